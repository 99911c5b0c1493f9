package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An OpenSSH {@code sshd} (Debian {@code openssh-server}) on a free loopback port, with a host key
 * and a client key generated for the test, its own configuration, and the internal SFTP server.
 * Can be killed (with every session it forked) and restarted on the same port and keys.
 */
public final class OpenSshServer implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");
    private static final String INSTALL_HINT = "OpenSSH server not found at /usr/sbin/sshd: install it with "
            + "'apt-get install -y openssh-server' (./test.sh does this)";

    private final Path dir;
    private final int port;
    private final Path config;
    private final Path clientKey;
    private final Path knownHosts;
    private final String hostKeyLine;
    private final boolean logRequests;
    private LoopbackProcess process;

    private OpenSshServer(Path dir, boolean logRequests) throws IOException, InterruptedException {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(INSTALL_HINT);
        }
        this.dir = Files.createDirectories(dir);
        this.logRequests = logRequests;
        if (logRequests) {
            if (!Files.isExecutable(SFTP_SERVER)) {
                throw new IllegalStateException("the OpenSSH SFTP server is not at " + SFTP_SERVER
                        + ": install it with 'apt-get install -y openssh-sftp-server' (./test.sh does this)");
            }
            Files.writeString(log(), "");
        }
        this.port = LoopbackProcess.freePort();
        Path hostKey = dir.resolve("host_ed25519");
        this.clientKey = dir.resolve("client_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "heirloom-test-host", "-f", hostKey.toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "heirloom-test-client", "-f", clientKey.toString());
        Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split("\\s+");
        this.hostKeyLine = pub[0] + " " + pub[1];
        this.knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + hostKeyLine + "\n");
        this.config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "MaxSessions 64",
                "MaxStartups 64:30:128",
                "LogLevel ERROR",
                // each open, close with the bytes written, fsync, link and removal, for tests of what reached
                // the disk: the separate sftp-server (internal-sftp logs to syslog or to the client), run by the
                // user's shell, its log lines on stderr appended to a file
                logRequests ? "Subsystem sftp " + SFTP_SERVER + " -e -l VERBOSE 2>>" + log() : "Subsystem sftp internal-sftp",
                ""));
        if (isRoot()) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
    }

    /** Generates keys in {@code dir} and starts the server. */
    public static OpenSshServer start(Path dir) {
        return start(dir, false);
    }

    /**
     * {@link #start(Path)}, the SFTP server logging every request it serves to {@link #log()}: opens,
     * closes with the bytes written, {@code fsync}, links, renames and removals.
     */
    public static OpenSshServer startLoggingRequests(Path dir) {
        return start(dir, true);
    }

    private static OpenSshServer start(Path dir, boolean logRequests) {
        try {
            OpenSshServer server = new OpenSshServer(dir, logRequests);
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        process = LoopbackProcess.start(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()),
                dir.resolve("sshd.log"), port, Duration.ofSeconds(15));
    }

    /** Kills the server and every session process it forked, as a crash or power cut would. */
    public void kill() {
        process.kill();
    }

    /** Starts the server again on the same port with the same keys. */
    public void restart() {
        process.restart();
    }

    public int port() {
        return port;
    }

    /** The server's log (its own errors; with {@link #startLoggingRequests} every SFTP request). */
    public Path log() {
        return dir.resolve(logRequests ? "requests.log" : "sshd.log");
    }

    /** The client's private key file (authorized on the server). */
    public Path clientKey() {
        return clientKey;
    }

    /** A known_hosts file trusting exactly this server's host key. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The host key as {@code type base64}. */
    public String hostKeyLine() {
        return hostKeyLine;
    }

    /** The user the server lets in with {@link #clientKey()}: the user running the tests. */
    public String user() {
        return System.getProperty("user.name");
    }

    /** {@code sftp://user@127.0.0.1:port/absolute/path}. */
    public URI uri(Path remoteFolder) {
        return URI.create("sftp://" + user() + "@127.0.0.1:" + port + remoteFolder.toAbsolutePath().toUri().getRawPath());
    }

    /** Options that authenticate with the generated key and trust the generated host key. */
    public Map<String, String> options() {
        return Map.of("identity", clientKey.toString(), "knownHosts", knownHosts.toString());
    }

    @Override
    public void close() {
        kill();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
