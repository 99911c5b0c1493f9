package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real file systems in the states a backup medium gets into: a folder seen through a read-only
 * mount (a USB disk remounted read-only after an error, a write-protected disk), and a tiny tmpfs
 * that fills up. Mounting needs root or password-less sudo; without either a test fails with that
 * hint, it never skips. Close to unmount.
 */
public final class Mounts implements AutoCloseable {
    private final Path mountPoint;

    private Mounts(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** The mounted folder. */
    public Path path() {
        return mountPoint;
    }

    /** {@code folder} seen read-only at {@code mountPoint} (a bind mount, remounted read-only). */
    public static Mounts readOnlyView(Path folder, Path mountPoint) {
        mkdirs(mountPoint);
        run("mount", "--bind", folder.toString(), mountPoint.toString());
        Mounts m = new Mounts(mountPoint);
        try {
            run("mount", "-o", "remount,ro,bind", mountPoint.toString());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** A tmpfs of {@code bytes} at {@code mountPoint}. */
    public static Mounts tmpfs(Path mountPoint, long bytes) {
        mkdirs(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
        return new Mounts(mountPoint);
    }

    /** Fills the file system to its last byte with one file. */
    public void fill() {
        Path filler = mountPoint.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // ENOSPC: full, as wanted; fill the last bytes one at a time
        }
        try (var out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full
        }
    }

    @Override
    public void close() {
        run("umount", mountPoint.toString());
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(String... command) {
        List<String> cmd = new ArrayList<>();
        if (!root()) {
            cmd.addAll(List.of("sudo", "-n"));
        }
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip()
                        + " (these tests mount real file systems: run them as root, as CI does, or with "
                        + "password-less sudo)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
