package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.Session;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A small pool of SFTP channels, each on its own SSH session (parallel sessions move more data
 * than channels sharing one). Host keys are checked strictly against the known_hosts file; an
 * unknown or changed key fails with the fingerprint the server presented.
 */
final class SftpConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpConnections.class);

    /**
     * One open channel and its session, and on the same session, opened at first use, the
     * {@link SftpPipeline} for requests JSch's channel cannot send. Used by one thread at a time.
     */
    static final class Connection {
        private final Session session;
        private final ChannelSftp channel;
        private final int timeoutMillis;
        private final long awaitMillis;
        private SftpPipeline pipeline;

        Connection(Session session, ChannelSftp channel, int timeoutMillis, long awaitMillis) {
            this.session = session;
            this.channel = channel;
            this.timeoutMillis = timeoutMillis;
            this.awaitMillis = awaitMillis;
        }

        ChannelSftp channel() {
            return channel;
        }

        Session session() {
            return session;
        }

        /** The pipelined requests of this session, opening their channel at the first call. */
        SftpPipeline pipeline() throws IOException {
            if (pipeline == null) {
                try {
                    pipeline = SftpPipeline.open(session, timeoutMillis, awaitMillis);
                } catch (JSchException e) {
                    throw new IOException("cannot open an SFTP channel: " + e.getMessage(), e);
                }
            }
            return pipeline;
        }

        boolean isOpen() {
            return session.isConnected() && channel.isConnected() && !channel.isClosed()
                    && (pipeline == null || pipeline.isOpen());
        }

        void close() {
            if (pipeline != null) {
                pipeline.close();
            }
            channel.disconnect();
            session.disconnect();
        }
    }

    private final SftpSettings settings;
    private final JSch jsch = new JSch();
    private final LinkedBlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
    private final Semaphore slots;
    private volatile boolean closed;

    SftpConnections(SftpSettings settings) {
        this.settings = settings;
        this.slots = new Semaphore(settings.sessions(), true);
        try {
            if (Files.exists(settings.knownHosts())) {
                jsch.setKnownHosts(settings.knownHosts().toString());
            }
            if (settings.identity().isPresent()) {
                String key = settings.identity().get().toString();
                if (settings.passphrase().isPresent()) {
                    jsch.addIdentity(key, settings.passphrase().get());
                } else {
                    jsch.addIdentity(key);
                }
            }
        } catch (JSchException e) {
            throw new InvalidConfigException("cannot load the SSH key or known_hosts for " + settings.address() + ": "
                    + e.getMessage());
        }
    }

    /** Takes a connection, opening one when none is idle; waits while all sessions are busy. */
    Connection borrow() {
        if (closed) {
            throw new StorageException("the SFTP target " + settings.address() + " is closed");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for an SFTP session", e);
        }
        try {
            Connection c;
            while ((c = idle.poll()) != null) {
                if (c.isOpen()) {
                    return c;
                }
                c.close();
            }
            return open();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /** Gives a connection back; a broken one is closed instead of reused. */
    void release(Connection c, boolean broken) {
        try {
            if (broken || closed || !c.isOpen()) {
                c.close();
            } else {
                idle.add(c);
            }
        } finally {
            slots.release();
        }
    }

    private Connection open() {
        Session session = null;
        try {
            session = jsch.getSession(settings.user(), settings.host(), settings.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", settings.password().isPresent()
                    ? "publickey,password,keyboard-interactive" : "publickey");
            settings.password().ifPresent(session::setPassword);
            session.setTimeout((int) settings.readTimeout().toMillis());
            session.setServerAliveInterval(15_000);
            session.connect((int) settings.connectTimeout().toMillis());
            ChannelSftp channel = (ChannelSftp) session.openChannel("sftp");
            channel.connect((int) settings.connectTimeout().toMillis());
            channel.setBulkRequests(settings.bulkRequests());
            LOG.debug("opened SFTP session to {}", settings.address());
            return new Connection(session, channel, (int) settings.connectTimeout().toMillis(),
                    settings.readTimeout().toMillis());
        } catch (JSchHostKeyException e) {
            String presented = describeKey(session);
            if (session != null) {
                session.disconnect();
            }
            boolean changed = e instanceof JSchChangedHostKeyException;
            throw new AuthenticationException((changed
                    ? "the host key of " + settings.host() + ":" + settings.port() + " has CHANGED since it was trusted in "
                    + settings.knownHosts() + "; this may be an attack. If the server was reinstalled, remove the old line "
                    + "and trust the new key. "
                    : "the host key of " + settings.host() + ":" + settings.port() + " is not in " + settings.knownHosts() + ". ")
                    + "The server presented " + presented + ". Compare it with the server's own "
                    + "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server); to trust it, add to "
                    + settings.knownHosts() + ": " + knownHostsLine(session), e);
        } catch (JSchException e) {
            if (session != null) {
                session.disconnect();
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains("Auth fail") || m.contains("Auth cancel") || m.contains("USERAUTH fail")) {
                throw new AuthenticationException("the SFTP server " + settings.address() + " refused our credentials", e);
            }
            throw new TargetUnavailableException("cannot connect to the SFTP server " + settings.address() + ": " + m, e);
        }
    }

    private String describeKey(Session session) {
        HostKey key = session == null ? null : session.getHostKey();
        return key == null ? "an unknown key" : key.getType() + " key " + key.getFingerPrint(jsch);
    }

    private String knownHostsLine(Session session) {
        HostKey key = session == null ? null : session.getHostKey();
        String host = settings.port() == 22 ? settings.host() : "[" + settings.host() + "]:" + settings.port();
        return key == null ? "(key unavailable)" : host + " " + key.getType() + " " + key.getKey();
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
