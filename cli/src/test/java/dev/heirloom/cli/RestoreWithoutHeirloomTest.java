package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise that a repository stays readable without Heirloom: tools/heirloom-read.py, written
 * from docs/format.md with Python's standard library and the 'cryptography' package, lists and
 * restores a plain and an encrypted repository (padded, and of version 2, unpadded), and gives back every
 * byte, name and time.
 */
class RestoreWithoutHeirloomTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("../tools/heirloom-read.py").toAbsolutePath();
    private static final String PASSPHRASE = "un été à Quimper, 2003";

    @TempDir
    Path tmp;

    @Test
    void thePythonScriptRestoresAPlainAndAnEncryptedRepositoryByteForByte() throws Exception {
        Path src = tmp.resolve("Pictures");
        copy(Path.of("../examples/sample-library").toAbsolutePath(), src);
        Files.delete(src.resolve("README.txt"));
        byte[] video = new byte[(5 << 19) + 777]; // 2.5 MiB and some: three segments of ciphertext
        new Random(3).nextBytes(video);
        Files.write(src.resolve("videos/long.mp4"), video);
        Files.write(src.resolve("videos/empty.mp4"), new byte[0]);
        Files.setLastModifiedTime(src.resolve("videos/long.mp4"), FileTime.fromMillis(1_262_304_000_123L));
        // a Latin-1 name from an old camera tool: its bytes are not UTF-8
        run(List.of(PYTHON, "-c", "import sys; open(sys.argv[1].encode() + b'/caf\\xe9.jpg', 'wb').write(b'latin')",
                src.resolve("videos").toString()), Map.of());

        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("vault"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: vault, path: vault/heirloom, medium: nas, site: onsite, encryption: { passphrase: "%s" } }
                """.formatted(src, PASSPHRASE));
        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();

        for (String target : List.of("usb", "vault")) {
            Path repo = tmp.resolve(target + "/heirloom");
            Map<String, String> env = target.equals("vault") ? Map.of("HEIRLOOM_PASSPHRASE", PASSPHRASE) : Map.of();
            String listed = run(List.of(PYTHON, SCRIPT.toString(), "snapshots", repo.toString()), env);
            assertThat(listed).as(target).containsPattern("[0-9a-f]{16}  20\\d\\d-.*  10 files  " + src);
            Path back = tmp.resolve("back-" + target);
            String restored = run(List.of(PYTHON, SCRIPT.toString(), "restore", repo.toString(), "latest", back.toString()), env);
            assertThat(restored).as(target).contains("restored 10 files");
            assertThat(tree(back)).as(target + ": names, bytes and times").isEqualTo(tree(src));
        }

        // and the wrong passphrase opens nothing
        ProcessBuilder withWrong = new ProcessBuilder(PYTHON, SCRIPT.toString(), "snapshots",
                tmp.resolve("vault/heirloom").toString()).redirectErrorStream(true);
        withWrong.environment().put("HEIRLOOM_PASSPHRASE", "un ete a Quimper, 2003");
        Process wrong = withWrong.start();
        wrong.getOutputStream().close();
        assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("opens no key slot");
        assertThat(wrong.exitValue()).isNotZero();
    }

    @Test
    void thePythonScriptStillRestoresAnEncryptedRepositoryOfVersion2() throws Exception {
        // written before files were padded (core/src/test/resources/repositories/README.md)
        Path repo = Path.of("../core/src/test/resources/repositories/encrypted-v2").toAbsolutePath();
        Map<String, String> env = Map.of("HEIRLOOM_PASSPHRASE", "fixture passphrase v2");
        Path back = tmp.resolve("back");
        String restored = run(List.of(PYTHON, SCRIPT.toString(), "restore", repo.toString(), "latest", back.toString()), env);
        assertThat(restored).contains("restored 3 files (1053520 bytes)");
        assertThat(dev.heirloom.spi.MultiDigest.sha256Hex(Files.readAllBytes(back.resolve("2019/IMG_0002.jpg"))))
                .isEqualTo("f9cc51869c26f04e1f93e1880e06b78cad6b7d74526e68e9c4114f8809c67ce1");
    }

    /** Every file by its name's bytes (as the file system gives them): its bytes' SHA-256 and its mtime. */
    private static Map<String, String> tree(Path root) throws Exception {
        String out = run(List.of(PYTHON, "-c", """
                import hashlib, os, sys
                root = os.fsencode(sys.argv[1])
                for d, _, files in sorted(os.walk(root)):
                    for f in sorted(files):
                        p = os.path.join(d, f)
                        st = os.stat(p)
                        print(os.path.relpath(p, root).hex(), hashlib.sha256(open(p, 'rb').read()).hexdigest(), st.st_mtime_ns // 1000000)
                """, root.toString()), Map.of());
        Map<String, String> files = new TreeMap<>();
        out.lines().map(l -> l.split(" ", 2)).forEach(p -> files.put(p[0], p[1]));
        assertThat(files).as(root.toString()).hasSizeGreaterThan(5);
        return files;
    }

    private static String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("HEIRLOOM_PASSPHRASE");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(all::add);
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
