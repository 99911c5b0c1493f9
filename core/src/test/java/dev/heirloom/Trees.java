package dev.heirloom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helper: writes and reads whole folder trees. */
public final class Trees {
    private Trees() {
    }

    public static Path write(Path root, String rel, String content) {
        return write(root, rel, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path write(Path root, String rel, byte[] content) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_500_000_000_000L + Math.abs(rel.hashCode() % 1_000_000) * 1000L));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path → content of every regular file under root. */
    public static Map<String, String> read(Path root) {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    result.put(root.relativize(p).toString().replace('\\', '/'),
                            new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Relative path → mtime of every regular file under root. */
    public static Map<String, FileTime> mtimes(Path root) {
        Map<String, FileTime> result = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    result.put(root.relativize(p).toString(), Files.getLastModifiedTime(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }
}
