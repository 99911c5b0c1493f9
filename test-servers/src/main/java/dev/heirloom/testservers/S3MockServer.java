package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Adobe S3Mock ({@code com.adobe.testing:s3mock}, a Spring Boot S3 server) on free ports with its
 * store in a folder of its own: a second S3 implementation, independent of S3Proxy, so that no
 * behaviour is tuned to one server's quirks. It accepts any credentials. Its HTTPS connector is
 * bound to loopback; its plain HTTP connector (the one tests use) listens on every interface, as
 * S3Mock offers no setting for it. Runs as its own process.
 */
public final class S3MockServer extends LoopbackServer {
    private S3MockServer(int port, LoopbackProcess process) {
        super(port, process);
    }

    /** Starts S3Mock keeping its store under {@code dir}/store (kept when it stops). */
    public static S3MockServer start(Path dir) {
        try {
            Path jar = ServerJars.jar("s3mock");
            Path store = Files.createDirectories(dir.resolve("store"));
            int port = LoopbackProcess.freePort();
            int httpsPort = LoopbackProcess.freePort();
            LoopbackProcess process = LoopbackProcess.start(ServerJars.command(jar, "384m", List.of(
                    "--server.address=127.0.0.1",
                    "--server.port=" + httpsPort,
                    "--com.adobe.testing.s3mock.httpPort=" + port,
                    "--com.adobe.testing.s3mock.store.root=" + store,
                    "--com.adobe.testing.s3mock.store.retainFilesOnExit=true",
                    "--spring.main.banner-mode=off")), dir.resolve("s3mock.log"), port, Duration.ofSeconds(90));
            return new S3MockServer(port, process);
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
}
