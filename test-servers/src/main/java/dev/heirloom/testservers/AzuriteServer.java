package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Azurite's blob service (npm {@code azurite}) on a free loopback port with a data folder of its
 * own. Found in the project's {@code .tools/node_modules/.bin} (searched upwards from the working
 * folder) or on the PATH; when missing, the test fails with the install command.
 */
public final class AzuriteServer implements AutoCloseable {
    /** The well-known public development account of Azurite and the storage emulator. */
    public static final String ACCOUNT = "devstoreaccount1";
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final String INSTALL_HINT = "Azurite not found: install it with "
            + "'npm install --prefix .tools azurite@3.37.0' in the project folder (./test.sh does this)";

    private final Path binary;
    private final Path dir;
    private final int port;
    private LoopbackProcess process;

    private AzuriteServer(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Azurite with its data in {@code dir}. */
    public static AzuriteServer start(Path dir) {
        try {
            AzuriteServer server = new AzuriteServer(find(), Files.createDirectories(dir), LoopbackProcess.freePort());
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path find() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve(".tools/node_modules/.bin/azurite-blob");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, "azurite-blob");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(INSTALL_HINT);
    }

    private void startProcess() throws IOException, InterruptedException {
        process = LoopbackProcess.start(List.of(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--location", dir.toString(), "--skipApiVersionCheck", "--loose", "--silent"),
                dir.resolve("azurite.log"), port, Duration.ofSeconds(60));
    }

    /** Kills Azurite at once, as a crash would; waits until the process is gone. */
    public void kill() {
        process.kill();
    }

    /** Starts Azurite again on the same port and data folder. */
    public void restart() {
        process.restart();
    }

    public int port() {
        return port;
    }

    /** The blob endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** A connection string for the development account (its key is public knowledge). */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint() + ";";
    }

    /** The development account key, so tests can check it never leaks. */
    public String accountKey() {
        return KEY;
    }

    @Override
    public void close() {
        kill();
    }
}
