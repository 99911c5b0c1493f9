package dev.heirloom.provider.vfs;

import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.TargetUnavailableException;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-256 an FTP server computes of a file it stores: {@code HASH} (draft-bryan-ftpext-hash,
 * e.g. ProFTPD's mod_digest) or the older {@code XSHA256}, over control connections of its own
 * (Commons VFS gives no access to its clients). Used to check an upload on the server before it is
 * published, and to verify stored objects without downloading them. Thread-safe; connections are
 * pooled, up to the target's concurrency.
 */
final class FtpHashes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FtpHashes.class);
    /** {@code 213 SHA-256 0-11 b94d…e9 a.txt}: the algorithm, the range, the hash, the name. */
    private static final Pattern HASH_REPLY = Pattern.compile("(?m)^213 SHA-256 \\d+-\\d+ ([0-9A-Fa-f]{64}) ");
    /** {@code 250 B94D…E9} */
    private static final Pattern XSHA256_REPLY = Pattern.compile("(?m)^2\\d\\d ([0-9A-Fa-f]{64})\\s*$");

    private final VfsSettings settings;
    private final TrustManager trust;
    private final boolean draftHash;
    private final Deque<FTPClient> idle = new ArrayDeque<>();

    private FtpHashes(VfsSettings settings, TrustManager trust, boolean draftHash, FTPClient first) {
        this.settings = settings;
        this.trust = trust;
        this.draftHash = draftHash;
        idle.push(first);
    }

    /**
     * Connects once to learn whether the server hashes files.
     *
     * @param trust the TLS trust manager of an {@code ftps} target (null for {@code ftp})
     * @return empty when the server offers neither command (or cannot be asked)
     */
    static Optional<FtpHashes> connect(VfsSettings settings, TrustManager trust) {
        FTPClient client = null;
        try {
            client = login(settings, trust);
            boolean hash = client.hasFeature("HASH") && client.featureValue("HASH").toUpperCase(Locale.ROOT)
                    .contains("SHA-256");
            boolean xsha = client.hasFeature("XSHA256");
            if (!hash && !xsha) {
                client.disconnect();
                return Optional.empty();
            }
            if (hash) {
                choose(client);
            }
            return Optional.of(new FtpHashes(settings, trust, hash, client));
        } catch (IOException e) {
            LOG.info("{}: cannot ask the server for its hash commands ({}); uploads are checked by size only", settings,
                    e.getMessage());
            disconnectQuietly(client);
            return Optional.empty();
        }
    }

    /**
     * The SHA-256 the server computes of a file, lowercase hex.
     *
     * @param path the file's path as the server sees it
     * @throws ObjectNotFoundException     when there is no such file
     * @throws TargetUnavailableException  when the server cannot be asked
     */
    String sha256(String path) {
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            FTPClient client = null;
            try {
                client = borrow();
                String hex = ask(client, path);
                giveBack(client);
                return hex;
            } catch (IOException e) {
                disconnectQuietly(client);
                last = e;
            }
        }
        throw new TargetUnavailableException(settings + ": the server did not give the SHA-256 of " + path + ": "
                + last.getMessage(), last);
    }

    private String ask(FTPClient client, String path) throws IOException {
        int code = client.sendCommand(draftHash ? "HASH" : "XSHA256", path);
        String reply = client.getReplyString();
        if (code == 550 || code == 450) {
            throw new ObjectNotFoundException(path);
        }
        Matcher m = (draftHash ? HASH_REPLY : XSHA256_REPLY).matcher(reply);
        if (!FTPReply.isPositiveCompletion(code) || !m.find()) {
            throw new IOException("unexpected reply to " + (draftHash ? "HASH" : "XSHA256") + ": " + reply.trim());
        }
        return m.group(1).toLowerCase(Locale.ROOT);
    }

    private FTPClient borrow() throws IOException {
        synchronized (idle) {
            FTPClient c = idle.poll();
            if (c != null && c.isConnected()) {
                return c;
            }
            disconnectQuietly(c);
        }
        FTPClient fresh = login(settings, trust);
        if (draftHash) {
            choose(fresh);
        }
        return fresh;
    }

    private void giveBack(FTPClient client) {
        synchronized (idle) {
            if (idle.size() < settings.concurrency()) {
                idle.push(client);
                return;
            }
        }
        disconnectQuietly(client);
    }

    private static void choose(FTPClient client) throws IOException {
        if (!FTPReply.isPositiveCompletion(client.sendCommand("OPTS", "HASH SHA-256"))) {
            throw new IOException("the server refused OPTS HASH SHA-256: " + client.getReplyString().trim());
        }
    }

    private static FTPClient login(VfsSettings s, TrustManager trust) throws IOException {
        FTPClient client;
        if (trust != null) {
            FTPSClient tls = new FTPSClient("TLS", false);
            tls.setTrustManager(trust);
            client = tls;
        } else {
            client = new FTPClient();
        }
        client.setControlEncoding("UTF-8");
        client.setConnectTimeout((int) s.connectTimeout().toMillis());
        client.setDefaultTimeout((int) s.readTimeout().toMillis());
        client.connect(s.host(), s.port());
        client.setSoTimeout((int) s.readTimeout().toMillis());
        if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
            disconnectQuietly(client);
            throw new IOException("the server refused the connection: " + client.getReplyString().trim());
        }
        if (!client.login(s.user().orElse("anonymous"), s.password().orElse(""))) {
            disconnectQuietly(client);
            throw new IOException("the server refused the login");
        }
        return client;
    }

    private static void disconnectQuietly(FTPClient client) {
        if (client != null && client.isConnected()) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    @Override
    public void close() {
        synchronized (idle) {
            idle.forEach(FtpHashes::disconnectQuietly);
            idle.clear();
        }
    }
}
