package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A second, independent WebDAV server: Debian's Apache httpd with {@code mod_dav_fs} on a free
 * loopback port, run in the foreground with a configuration of its own, basic authentication for
 * one user (password hashed with {@code openssl passwd -apr1}). Started as root it serves as
 * {@code www-data}, so its folders are open to that user. {@link #startTls} serves HTTPS (mod_ssl) with a
 * self-signed certificate made out to 127.0.0.1. Missing Apache fails with the install command.
 */
public final class ApacheWebdavServer extends LoopbackServer {
    /** The user the server accepts. */
    public static final String USER = "family";
    /** Its password (tests check it never leaks). */
    public static final String PASSWORD = "apache-dav-pass-51f0";
    private static final Path HTTPD = Path.of("/usr/sbin/apache2");
    private static final Path MODULES = Path.of("/usr/lib/apache2/modules");

    private final Path root;
    private final Path certificate;

    private ApacheWebdavServer(Path root, int port, LoopbackProcess process, Path certificate) {
        super(port, process);
        this.root = root;
        this.certificate = certificate;
    }

    /** Serves {@code dir}/root over HTTP. */
    public static ApacheWebdavServer start(Path dir) {
        return start(dir, false);
    }

    /** Serves {@code dir}/root over HTTPS only, with a self-signed certificate for 127.0.0.1 ({@link #certificate()}). */
    public static ApacheWebdavServer startTls(Path dir) {
        return start(dir, true);
    }

    private static ApacheWebdavServer start(Path dir, boolean tls) {
        if (!Files.isExecutable(HTTPD) || !Files.exists(MODULES.resolve("mod_dav_fs.so"))) {
            throw new IllegalStateException("Apache httpd with mod_dav is not installed: run 'apt-get install -y apache2' "
                    + "(./test.sh does this)");
        }
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path lock = Files.createDirectories(dir.resolve("lock"));
            for (Path open : List.of(root, lock)) {
                Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("htpasswd"), USER + ":" + PasswordHashes.openssl("-apr1", PASSWORD) + "\n");
            int port = LoopbackProcess.freePort();
            StringBuilder conf = new StringBuilder();
            conf.append("ServerRoot ").append(dir).append("\nServerName 127.0.0.1\nListen 127.0.0.1:").append(port)
                    .append("\nPidFile ").append(dir.resolve("httpd.pid")).append("\nErrorLog ").append(dir.resolve("error.log"))
                    .append("\nUser www-data\nGroup www-data\n");
            List<String> modules = new java.util.ArrayList<>(List.of("mpm_event", "authz_core", "authn_core", "authn_file",
                    "auth_basic", "authz_user", "dav", "dav_fs"));
            if (tls) {
                modules.addAll(List.of("socache_shmcb", "ssl"));
            }
            for (String m : modules) {
                conf.append("LoadModule ").append(m).append("_module ").append(MODULES.resolve("mod_" + m + ".so")).append('\n');
            }
            Path cert = null;
            if (tls) {
                cert = TestCertificates.selfSigned(dir);
                conf.append("SSLEngine on\nSSLCertificateFile ").append(cert).append("\nSSLCertificateKeyFile ")
                        .append(TestCertificates.key(dir)).append("\nSSLSessionCache shmcb:").append(dir.resolve("ssl-cache"))
                        .append("\nMutex file:").append(lock).append(" default\n");
            }
            conf.append("DavLockDB ").append(lock.resolve("davlock")).append("\nDocumentRoot ").append(root)
                    .append("\n<Directory ").append(root).append(">\n  Dav On\n  AuthType Basic\n  AuthName heirloom\n")
                    .append("  AuthUserFile ").append(dir.resolve("htpasswd")).append("\n  Require valid-user\n</Directory>\n");
            Path config = dir.resolve("httpd.conf");
            Files.writeString(config, conf);
            LoopbackProcess process = LoopbackProcess.start(List.of(HTTPD.toString(), "-f", config.toString(), "-DFOREGROUND"),
                    dir.resolve("httpd.out"), port, Duration.ofSeconds(30));
            return new ApacheWebdavServer(root, port, process, cert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The folder served as {@code /}. */
    public Path root() {
        return root;
    }

    /** The server's certificate (PEM) when it serves HTTPS. */
    public Path certificate() {
        if (certificate == null) {
            throw new IllegalStateException("this server serves plain HTTP");
        }
        return certificate;
    }
}
