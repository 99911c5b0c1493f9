package dev.heirloom.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every name backup accepts, restore gives back byte for byte, in a UTF-8 locale and without any
 * (cron, systemd units and bare containers run with LANG=C): Latin-1 names that look alike, a
 * byte that is never UTF-8, UTF-8 names, a backslash, and names at the 255-byte limit.
 */
class FileNameBytesTest {
    @TempDir
    Path tmp;

    private static final List<byte[]> NAMES = List.of(
            "caf\u00e9.jpg".getBytes(StandardCharsets.ISO_8859_1),
            "caf\u00e8.jpg".getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {'x', (byte) 0xFF, '.', 'j', 'p', 'g'},
            "été 📷.jpg".getBytes(StandardCharsets.UTF_8),
            "back\\slash.jpg".getBytes(StandardCharsets.UTF_8),
            ("L".repeat(251) + ".jpg").getBytes(StandardCharsets.UTF_8),
            ("é".repeat(125) + ".jpg").getBytes(StandardCharsets.UTF_8));

    /** A file or folder under dir named by raw bytes, made through a file: URI (no locale involved). */
    private static Path raw(Path dir, byte[] name) {
        StringBuilder uri = new StringBuilder(dir.toUri().toString());
        if (uri.charAt(uri.length() - 1) != '/') {
            uri.append('/');
        }
        for (byte b : name) {
            uri.append('%').append(String.format("%02X", b & 0xFF));
        }
        return Path.of(URI.create(uri.toString()));
    }

    /** Every regular file below root by its raw relative path bytes (as hex) → its content. */
    private static Map<String, String> rawTree(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Path dir, String prefix, Map<String, String> out) throws Exception {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String raw = p.toUri().getRawPath();
                raw = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
                String name = raw.substring(raw.lastIndexOf('/') + 1);
                if (Files.isDirectory(p)) {
                    collect(p, prefix + name + "/", out);
                } else {
                    out.put(prefix + name, Arrays.toString(Files.readAllBytes(p)));
                }
            }
        }
    }

    private String run(String locale, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.heirloom.cli.HeirloomCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", locale);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"C", "C.UTF-8"})
    void everyNameComesBackByteForByte(String locale) throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Path folder = Files.createDirectories(raw(photos, "f\u00eate".getBytes(StandardCharsets.ISO_8859_1)));
        for (byte[] name : NAMES) {
            Files.write(raw(folder, name), name);
            Files.write(raw(photos, name), Arrays.copyOf(name, name.length + 1));
        }
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: %s/usb, medium: external-disk, site: onsite }
                """.formatted(photos, tmp));

        String backup = run(locale, "backup", "-c", cfg.toString());
        assertThat(backup).as(backup).startsWith("0 ").contains("14 files");
        String status = run(locale, "status", "-c", cfg.toString());
        assertThat(status).as(status).startsWith("0 ").contains("MET - all 14 files");
        String restore = run(locale, "restore", "-c", cfg.toString(), "--target", "usb", "--to", tmp.resolve("back").toString());
        assertThat(restore).as(restore).startsWith("0 ");

        assertThat(rawTree(tmp.resolve("back"))).isEqualTo(rawTree(photos)).hasSize(14);
    }
}
