package dev.heirloom.testservers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, to look at a page as a person's browser shows it: the DOM after
 * layout ({@code --dump-dom}) and a PNG screenshot, each run with an empty profile of its own and
 * no network. A missing browser is a loud failure with its install hint.
 */
public final class HeadlessChromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Path profiles;

    /** @param work a folder for the browser's throwaway profiles */
    public HeadlessChromium(Path work) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("chromium is not installed: run 'apt-get install -y chromium' (./test.sh does this)");
        }
        this.profiles = work;
    }

    /** The page's DOM once loaded and laid out at {@code width} x {@code height} CSS pixels, serialized. */
    public String dumpDom(Path page, int width, int height) throws IOException {
        return run(page, width, height, "--dump-dom");
    }

    /** Saves what the page looks like at {@code width} x {@code height} pixels as a PNG. */
    public Path screenshot(Path page, int width, int height, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(page, width, height, "--screenshot=" + png.toAbsolutePath());
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
        return png;
    }

    private String run(Path page, int width, int height, String what) throws IOException {
        Path profile = Files.createTempDirectory(Files.createDirectories(profiles), "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "--virtual-time-budget=5000", what,
                page.toAbsolutePath().toUri().toString()));
        Path err = profile.resolve("stderr.log");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium failed (" + p.exitValue() + "): " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
