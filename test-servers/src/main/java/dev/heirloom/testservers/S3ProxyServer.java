package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * S3Proxy ({@code org.gaul:s3proxy}) on a free loopback port with its filesystem backend in a
 * folder of its own, AWS signature v2/v4 authentication with a test key pair. It validates the
 * additional checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) and honours {@code If-None-Match}.
 * Runs as its own process, so a test can kill it as a crash would.
 */
public final class S3ProxyServer extends LoopbackServer {
    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "heirloom-test";
    /** The secret key the server accepts (tests check it never leaks). */
    public static final String SECRET_KEY = "s3proxy-secret-0123456789abcdef";

    private final Path dir;

    private S3ProxyServer(Path dir, int port, LoopbackProcess process) {
        super(port, process);
        this.dir = dir;
    }

    /** Starts S3Proxy keeping its buckets under {@code dir}/data. */
    public static S3ProxyServer start(Path dir) {
        try {
            Path jar = ServerJars.jar("s3proxy");
            Path data = Files.createDirectories(dir.resolve("data"));
            int port = LoopbackProcess.freePort();
            Path properties = dir.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            LoopbackProcess process = LoopbackProcess.start(ServerJars.command(jar, "384m",
                    List.of("--properties", properties.toString())), dir.resolve("s3proxy.log"), port, Duration.ofSeconds(60));
            return new S3ProxyServer(dir, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** The folder under which the filesystem backend keeps one folder per bucket. */
    public Path dataDir() {
        return dir.resolve("data");
    }
}
