package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A WebDAV server: {@code rclone serve webdav} on a free loopback port serving a folder of its own,
 * with basic authentication for one user. Missing rclone fails with the install command.
 */
public final class RcloneWebdavServer extends LoopbackServer {
    /** The user the server accepts. */
    public static final String USER = "family";
    /** Its password (tests check it never leaks). */
    public static final String PASSWORD = "dav-pass-9c2e71";

    private final Path root;

    private RcloneWebdavServer(Path root, int port, LoopbackProcess process) {
        super(port, process);
        this.root = root;
    }

    /** Serves {@code dir}/root. */
    public static RcloneWebdavServer start(Path dir) {
        Path rclone = Path.of("/usr/bin/rclone");
        if (!Files.isExecutable(rclone)) {
            throw new IllegalStateException("rclone is not installed: run 'apt-get install -y rclone' (./test.sh does this)");
        }
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            int port = LoopbackProcess.freePort();
            LoopbackProcess process = LoopbackProcess.start(List.of(rclone.toString(), "serve", "webdav", root.toString(),
                    "--config", "/dev/null", "--addr", "127.0.0.1:" + port, "--user", USER, "--pass", PASSWORD),
                    dir.resolve("rclone-webdav.log"), port, Duration.ofSeconds(30));
            return new RcloneWebdavServer(root, port, process);
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
}
