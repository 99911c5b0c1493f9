package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An FTP server (Debian's {@code python3-pyftpdlib}) on a free loopback port serving a folder of
 * its own to one user, optionally with explicit TLS (FTPS, {@code AUTH TLS}, protected data
 * channel) and a self-signed certificate made for it with {@code openssl}. Passive ports are
 * loopback too. Missing pyftpdlib fails with the install command.
 */
public final class FtpServer extends LoopbackServer {
    /** The user the server accepts. */
    public static final String USER = "family";
    /** Its password (tests check it never leaks). */
    public static final String PASSWORD = "ftp-pass-4b7e9c";
    private static final String INSTALL_HINT = "pyftpdlib not found for /usr/bin/python3: install it with "
            + "'apt-get install -y python3-pyftpdlib python3-openssl' (./test.sh does this)";

    private final Path dir;
    private final Path certificate;

    private FtpServer(Path dir, int port, Path certificate, LoopbackProcess process) {
        super(port, process);
        this.dir = dir;
        this.certificate = certificate;
    }

    /** Plain FTP serving {@code dir}/root. */
    public static FtpServer start(Path dir) {
        return start(dir, false);
    }

    /** FTPS (explicit TLS) serving {@code dir}/root with a self-signed certificate for 127.0.0.1. */
    public static FtpServer startTls(Path dir) {
        return start(dir, true);
    }

    private static FtpServer start(Path dir, boolean tls) {
        Path python = Path.of("/usr/bin/python3");
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            if (!Files.isExecutable(python) || new ProcessBuilder(python.toString(), "-c", "import pyftpdlib"
                    + (tls ? ", OpenSSL" : "")).start().waitFor() != 0) {
                throw new IllegalStateException(INSTALL_HINT);
            }
            Path cert = null;
            if (tls) {
                cert = TestCertificates.selfSigned(dir);
            }
            int port = LoopbackProcess.freePort();
            int passive = LoopbackProcess.freePort();
            Path script = dir.resolve("ftpd.py");
            Files.writeString(script, String.join("\n",
                    "import sys",
                    "from pyftpdlib.authorizers import DummyAuthorizer",
                    "from pyftpdlib.handlers import FTPHandler" + (tls ? ", TLS_FTPHandler" : ""),
                    "from pyftpdlib.servers import ThreadedFTPServer",
                    "a = DummyAuthorizer()",
                    "a.add_user(sys.argv[2], sys.argv[3], sys.argv[4], perm='elradfmwMT')",
                    "h = " + (tls ? "TLS_FTPHandler" : "FTPHandler"),
                    "h.authorizer = a",
                    "h.passive_ports = range(int(sys.argv[5]), int(sys.argv[5]) + 20)",
                    "h.permit_foreign_addresses = False",
                    tls ? "h.certfile = sys.argv[6]\nh.keyfile = sys.argv[7]\nh.tls_control_required = True\n"
                            + "h.tls_data_required = True\n"
                            // pyftpdlib 1.5's TLS 1.3 data channel drops the tail of some uploads
                            // (the provider's size check refuses them); TLS 1.2 does not
                            + "from OpenSSL import SSL\nh.ssl_protocol = SSL.TLSv1_2_METHOD" : "",
                    "ThreadedFTPServer(('127.0.0.1', int(sys.argv[1])), h).serve_forever()",
                    ""));
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), String.valueOf(port),
                    USER, PASSWORD, root.toString(), String.valueOf(passive)));
            if (tls) {
                command.add(cert.toString());
                command.add(TestCertificates.key(dir).toString());
            }
            LoopbackProcess process = LoopbackProcess.start(command, dir.resolve("ftpd.log"), port, Duration.ofSeconds(30));
            return new FtpServer(dir, port, cert, process);
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

    /** The server's self-signed certificate (PEM), for a test's trust store; null for plain FTP. */
    public Path certificate() {
        return certificate;
    }
}
