package dev.heirloom.cli;

import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup of thousands of small files (XMP sidecars) to a local disk, where new objects are made
 * durable in batches and named only then, killed between writing them and its snapshot, and at
 * random moments: every snapshot stays whole, what the killed runs wrote is never named
 * half-written, the next run completes, the restore is byte for byte the source, and prune removes
 * the unnamed leftovers.
 */
class SmallFilesCrashTest {
    @TempDir
    Path tmp;

    private final Random random = new Random(21);

    @Test
    void killsBetweenWritingSmallObjectsAndTheSnapshotLeaveASoundRepository() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("Pictures"));
        sidecars(photos, "2019", 2_000);
        Path repo = tmp.resolve("usb/heirloom");
        Files.createDirectories(repo.getParent());
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: %s, medium: external-disk, site: onsite }
                """.formatted(photos, repo));
        assertThat(backup(cfg, List.of()).waitFor()).isZero();

        // 12,000 new sidecars: more than one batch (10,000 objects), the last never committed
        sidecars(photos, "2020", 12_000);
        Process halted = backup(cfg, List.of("-Dheirloom.crashAt=before-snapshot-write"));
        assertThat(halted.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(halted.exitValue()).as(Files.readString(tmp.resolve("child.txt"))).isEqualTo(137);
        assertThat(temporaries(repo)).as("the batch the kill cut off is there, unnamed").isNotEmpty();
        assertThat(objects(repo)).as("the full batch before it was named").isGreaterThan(2_000 + 10_000 - 100);
        CrashTrials.assertVerifies(cfg, "content", "after halting before the snapshot");

        for (int trial = 0; trial < 4; trial++) {
            sidecars(photos, "202" + (1 + trial), 3_000);
            long full = System.nanoTime();
            Process p = backup(cfg, List.of());
            Thread.sleep(200 + random.nextInt(1_500));
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            CrashTrials.assertVerifies(cfg, "present", "after random kill " + trial + " at " + (System.nanoTime() - full) / 1_000_000 + " ms");
        }

        CliRun last = CliRun.of("backup", "-c", cfg.toString());
        assertThat(last.code()).as(last.all()).isZero();
        CliRun prune = CliRun.of("prune", "-c", cfg.toString());
        assertThat(prune.code()).as(prune.all()).isZero();
        assertThat(temporaries(repo)).as("prune removes what killed runs never named").isEmpty();
        CrashTrials.assertRestoresTheSource(cfg, "usb", tmp.resolve("back"), photos);
    }

    @Test
    void overSftpKillsBetweenSendingBatchesAndTheSnapshotLeaveASoundRepository() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("Pictures"));
        sidecars(photos, "2019", 1_000);
        Path repo = tmp.resolve("nas/heirloom");
        Files.createDirectories(repo.getParent());
        try (OpenSshServer sshd = OpenSshServer.start(tmp.resolve("sshd"))) {
            Path cfg = tmp.resolve("heirloom.yaml");
            Files.writeString(cfg, """
                    source: { path: %s }
                    policy: { copies: 2, media: 1, offsite: 0 }
                    targets:
                      - { name: nas, uri: "%s", medium: nas, site: onsite, options: { identity: "%s", knownHosts: "%s" } }
                    """.formatted(photos, sshd.uri(repo), sshd.clientKey(), sshd.knownHosts()));
            assertThat(backup(cfg, List.of()).waitFor()).isZero();
            long snapshots = count(repo.resolve("snapshots"));

            // 1,500 new sidecars: batches of 256 are sent as they fill, under temporary names, to be named
            // after one sync of the server's file system at the flush before the snapshot, which never comes
            sidecars(photos, "2020", 1_500);
            Process halted = backup(cfg, List.of("-Dheirloom.crashAt=before-snapshot-write"));
            assertThat(halted.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(halted.exitValue()).as(Files.readString(tmp.resolve("child.txt"))).isEqualTo(137);
            assertThat(temporaries(repo)).as("the full batches, sent and never named").hasSizeGreaterThanOrEqualTo(1_500 - 256);
            assertThat(objects(repo)).as("no object of the halted run has a name").isEqualTo(1_000);
            assertThat(count(repo.resolve("snapshots"))).as("no snapshot from the halted run").isEqualTo(snapshots);
            CrashTrials.assertVerifies(cfg, "content", "after halting before the snapshot");

            for (int trial = 0; trial < 3; trial++) {
                sidecars(photos, "202" + (1 + trial), 800);
                Process p = backup(cfg, List.of());
                Thread.sleep(800 + random.nextInt(2_500));
                p.destroyForcibly();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                CrashTrials.assertVerifies(cfg, "present", "after random kill " + trial);
            }

            CliRun last = CliRun.of("backup", "-c", cfg.toString());
            assertThat(last.code()).as(last.all()).isZero();
            CliRun prune = CliRun.of("prune", "-c", cfg.toString());
            assertThat(prune.code()).as(prune.all()).isZero();
            assertThat(temporaries(repo)).as("prune removes what killed runs never named").isEmpty();
            CrashTrials.assertRestoresTheSource(cfg, "nas", tmp.resolve("back"), photos);
        }
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private void sidecars(Path photos, String folder, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[1_000 + random.nextInt(5_000)];
            random.nextBytes(bytes);
            Path file = photos.resolve(folder + "/" + (i / 1_000) + "/IMG_" + i + ".xmp");
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }
    }

    private Process backup(Path cfg, List<String> jvm) throws IOException {
        return CrashTrials.heirloom(cfg, tmp.resolve("child.txt"), jvm, "backup", "--no-progress");
    }

    private static List<Path> temporaries(Path repo) throws IOException {
        try (Stream<Path> walk = Files.walk(repo)) {
            return walk.filter(p -> p.getFileName().toString().startsWith(".heirloom-tmp-")).toList();
        }
    }

    private static long objects(Path repo) throws IOException {
        try (Stream<Path> walk = Files.walk(repo.resolve("objects"))) {
            return walk.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
