package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup killed (SIGKILL) while it stages a video leaves the partial upload in the repository;
 * prune, holding the exclusive lock, removes it and says how much it freed; the next backup
 * completes and the video restores byte for byte.
 */
class KilledBackupLeftoversTest {
    @TempDir
    Path tmp;

    private static List<Path> staged(Path repo) throws Exception {
        try (Stream<Path> s = Files.list(repo)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".heirloom-tmp-stage-")).toList();
        }
    }

    @Test
    void pruneRemovesWhatAKilledBackupLeftStaged() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        Path video = src.resolve("holiday.mp4");
        byte[] block = new byte[1 << 20];
        Random random = new Random(4);
        try (OutputStream out = Files.newOutputStream(video)) {
            for (int i = 0; i < 300; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        Path repo = tmp.resolve("usb/heirloom");
        Files.createDirectories(repo.getParent());
        Path config = tmp.resolve("heirloom.yaml");
        Files.writeString(config, """
                source: { path: Pictures }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.heirloom.cli.HeirloomCli", "backup", "--no-progress", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long seen = 0;
        while (p.isAlive() && System.nanoTime() < deadline && seen < 20L << 20) {
            if (Files.isDirectory(repo)) {
                for (Path s : staged(repo)) {
                    seen = Math.max(seen, Files.size(s));
                }
            }
            Thread.sleep(2);
        }
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("killed mid-stage; printed: %s", Files.readString(tmp.resolve("out.txt")))
                .isGreaterThanOrEqualTo(20L << 20);
        List<Path> left = staged(repo);
        assertThat(left).as("the partial upload is still there").isNotEmpty();
        long leftBytes = 0;
        for (Path s : left) {
            leftBytes += Files.size(s);
        }

        CliRun prune = CliRun.of("prune", "-c", config.toString());
        assertThat(prune.code()).as(prune.all()).isZero();
        assertThat(staged(repo)).isEmpty();
        assertThat(prune.out()).contains("of uploads interrupted runs left removed");
        assertThat(leftBytes).isPositive();

        assertThat(CliRun.of("backup", "-c", config.toString()).code()).isZero();
        CliRun restore = CliRun.of("restore", "-c", config.toString(), "--target", "usb", "--to", tmp.resolve("back").toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(Files.mismatch(video, tmp.resolve("back/holiday.mp4"))).isEqualTo(-1);
    }
}
