package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ProFTPD (Debian's {@code proftpd-core}) on a free loopback port with {@code mod_digest}, so the
 * server computes a file's SHA-256 for the {@code HASH} command (and {@code XSHA256}): an FTP server
 * that can prove what it stores without a download. One virtual user, chrooted to a folder of its
 * own; every command is logged, so a test can see which ones a client sent. Run by root (as the
 * tests and CI are): the session keeps root's uid, so the test's folders need no other owner.
 * Missing ProFTPD fails with the install command.
 */
public final class ProftpdServer extends LoopbackServer {
    /** The user the server accepts. */
    public static final String USER = "family";
    /** Its password. */
    public static final String PASSWORD = "proftpd-pass-93c1e0";
    private static final Path PROFTPD = Path.of("/usr/sbin/proftpd");
    private static final String INSTALL_HINT = "ProFTPD not found: install it with 'apt-get install -y proftpd-core' "
            + "(./test.sh does this)";
    private static final Pattern COMMAND = Pattern.compile("(?m)^(\\S+) (.*)$");

    private final Path dir;

    private ProftpdServer(Path dir, int port, LoopbackProcess process) {
        super(port, process);
        this.dir = dir;
    }

    /** Serves {@code dir}/root as the user's {@code /}. */
    public static ProftpdServer start(Path dir) {
        if (!Files.isExecutable(PROFTPD) || !Files.exists(Path.of("/usr/lib/proftpd/mod_digest.so"))) {
            throw new IllegalStateException(INSTALL_HINT);
        }
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path users = dir.resolve("passwd");
            Files.writeString(users, USER + ":" + PasswordHashes.openssl("-1", PASSWORD) + ":0:0::" + root + ":/bin/false\n");
            Path groups = dir.resolve("group");
            Files.writeString(groups, "root:x:0:\n");
            for (Path secret : List.of(users, groups)) {
                // mod_auth_file refuses a world-readable password file
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            }
            int port = LoopbackProcess.freePort();
            int passive = LoopbackProcess.freePort();
            Path conf = dir.resolve("proftpd.conf");
            Files.writeString(conf, String.join("\n",
                    "ServerType standalone",
                    "ServerName \"heirloom test\"",
                    "Port " + port,
                    "DefaultAddress 127.0.0.1",
                    "SocketBindTight on",
                    "UseIPv6 off",
                    "User root",
                    "Group root",
                    "RootLogin on",
                    "PidFile " + dir.resolve("proftpd.pid"),
                    "ScoreboardFile " + dir.resolve("scoreboard"),
                    "DelayTable none",
                    // mod_delay pads each login to hide timing: seconds per connection in a test
                    "DelayEngine off",
                    // a read that stops early closes the data connection: do not wait 10 s lingering on it
                    "TimeoutLinger 1",
                    "WtmpLog off",
                    "UseReverseDNS off",
                    "AuthOrder mod_auth_file.c",
                    "AuthUserFile " + users,
                    "AuthGroupFile " + groups,
                    "RequireValidShell off",
                    "DefaultRoot ~",
                    "AllowOverwrite on",
                    // the contract kit opens many targets, each with pooled connections
                    "MaxInstances 1000",
                    "MaxClients none",
                    "PassivePorts " + passive + " " + (passive + 40),
                    "SystemLog " + dir.resolve("system.log"),
                    "TransferLog none",
                    "LogFormat commands \"%m %J\"",
                    "ExtendedLog " + dir.resolve("commands.log") + " ALL commands",
                    "ModulePath /usr/lib/proftpd",
                    "LoadModule mod_digest.c",
                    "DigestEngine on",
                    "DigestAlgorithms all",
                    // a session remembers digests by path; a test that changes a file behind the server's back
                    // must see the new bytes hashed
                    "DigestCache off",
                    ""));
            LoopbackProcess process = LoopbackProcess.start(List.of(PROFTPD.toString(), "-n", "-q", "-c", conf.toString()),
                    dir.resolve("proftpd.log"), port, Duration.ofSeconds(30));
            return new ProftpdServer(dir, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The folder the user sees as {@code /}. */
    public Path root() {
        return dir.resolve("root");
    }

    /** The commands clients sent so far, with their arguments ({@code HASH /photos/x}), oldest first. */
    public List<String> commands() {
        try {
            Path log = dir.resolve("commands.log");
            if (!Files.exists(log)) {
                return List.of();
            }
            Matcher m = COMMAND.matcher(Files.readString(log));
            List<String> out = new java.util.ArrayList<>();
            while (m.find()) {
                out.add(m.group(1) + " " + m.group(2));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
