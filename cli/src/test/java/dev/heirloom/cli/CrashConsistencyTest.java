package dev.heirloom.cli;

import dev.heirloom.testservers.AzuriteServer;
import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.testservers.OpenSshServer;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's crash trials (docs/reliability.md): a real backup process is killed (SIGKILL)
 * at random moments, and made to halt at named points (after an object upload, before a tree
 * write, before the snapshot write, in the middle of a prune), against every kind of real
 * server. After each kill every snapshot on the target must name only objects and trees that are
 * there and intact (verify exits 0); at the end a backup completes and the restore is byte for
 * byte the source. The source changes between trials, so each run has new work to be cut in.
 */
class CrashConsistencyTest {
    /** The cloud targets' repositories are encrypted: a kill must leave an encrypted repository as sound as a plain one. */
    private static final String ENCRYPTED = ", encryption: { passphrase: \"crash trial\" }";

    @TempDir
    Path tmp;

    private final Random random = new Random(20261201);

    @ParameterizedTest(name = "{0}: {1} random kills")
    @CsvSource({"file, 50", "sftp, 10", "azure, 10", "gs, 10", "s3, 10"})
    void killedRunsLeaveEverySnapshotWholeAndTheNextRunCompletes(String kind, int ciKills) throws Exception {
        // CI runs 50 kills locally and 10 per server; -Dheirloom.crashKills=N runs N against each (docs/reliability.md)
        int randomKills = Integer.getInteger("heirloom.crashKills", ciKills);
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 24; i++) {
            write(photos.resolve("20" + (18 + i % 4) + "/IMG_" + i + ".jpg"), 30_000 + random.nextInt(300_000));
        }
        write(photos.resolve("videos/VID_1.mp4"), 12 << 20);
        write(photos.resolve("videos/VID_2.mp4"), 9 << 20);
        List<AutoCloseable> servers = new ArrayList<>();
        try {
            Path cfg = config(kind, photos, servers);
            long full = time(() -> assertThat(CrashTrials.heirloom(cfg, tmp.resolve("child.txt"), List.of(),
                    "backup", "--no-progress").waitFor()).isZero());
            int kills = 0;
            int cut = 0;
            for (int trial = 0; trial < randomKills; trial++) {
                change(photos, trial);
                Process p = CrashTrials.heirloom(cfg, tmp.resolve("child.txt"), List.of(), "backup", "--no-progress");
                Thread.sleep(30 + random.nextInt((int) Math.max(60, full)));
                if (p.isAlive()) {
                    cut++;
                }
                p.destroyForcibly();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                kills++;
                assertWhole(cfg, kind + " after random kill " + trial);
            }
            int named = 0;
            for (String point : List.of("after-object-upload", "before-tree-write", "before-snapshot-write")) {
                change(photos, 100 + named);
                // one target: one snapshot write per run; trees and objects are written several times
                int nth = point.equals("before-snapshot-write") ? 1 : 1 + random.nextInt(2);
                Process p = CrashTrials.heirloom(cfg, tmp.resolve("child.txt"), List.of("-Dheirloom.crashAt=" + point + ":" + nth),
                        "backup", "--no-progress");
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("halted at " + point).isEqualTo(137);
                named++;
                assertWhole(cfg, kind + " after halting at " + point);
            }
            // a prune halted between two deletions, then run again
            assertThat(CliRun.of("forget", "-c", cfg.toString()).code()).isZero();
            assertThat(CliRun.of("prune", "--grace-hours", "0", "-c", cfg.toString()).code()).isZero();
            Process prune = CrashTrials.heirloom(cfg, tmp.resolve("child.txt"), List.of("-Dheirloom.crashAt=mid-prune:2"),
                    "prune", "--grace-hours", "0");
            assertThat(prune.waitFor(120, TimeUnit.SECONDS)).isTrue();
            int pruneExit = prune.exitValue();
            named++;
            assertWhole(cfg, kind + " after halting mid-prune");
            assertThat(CliRun.of("prune", "--grace-hours", "0", "-c", cfg.toString()).code()).isZero();

            CliRun last = CliRun.of("backup", "-c", cfg.toString());
            assertThat(last.code()).as(last.all()).isZero();
            CrashTrials.assertRestoresTheSource(cfg, "t", tmp.resolve("back"), photos);
            System.out.printf("fault suite, crash trials, %s: %d random kills (%d while the backup was still running), "
                    + "%d halts at named points (mid-prune exit %d), full backup %d ms; every check passed%n",
                    kind, kills, cut, named, pruneExit, full);
        } finally {
            for (AutoCloseable s : servers) {
                s.close();
            }
        }
    }

    /** Every snapshot names only what is there: present for remote targets, content for local ones. */
    private static void assertWhole(Path cfg, String when) {
        CrashTrials.assertVerifies(cfg, "present", when);
        CliRun snapshots = CliRun.of("snapshots", "-c", cfg.toString());
        assertThat(snapshots.code()).as(when + ": " + snapshots.all()).isZero();
    }

    private Path config(String kind, Path photos, List<AutoCloseable> servers) throws IOException {
        String target;
        switch (kind) {
            case "file" -> target = "path: " + tmp.resolve("usb/heirloom") + ", medium: external-disk";
            case "sftp" -> {
                OpenSshServer sshd = OpenSshServer.start(tmp.resolve("sshd"));
                servers.add(sshd);
                Files.createDirectories(tmp.resolve("nas"));
                target = "uri: \"" + sshd.uri(tmp.resolve("nas/heirloom")) + "\", medium: nas, options: { identity: \""
                        + sshd.clientKey() + "\", knownHosts: \"" + sshd.knownHosts() + "\" }";
            }
            case "azure" -> {
                AzuriteServer azurite = AzuriteServer.start(tmp.resolve("azurite"));
                servers.add(azurite);
                target = "uri: \"azure://photos/heirloom\", medium: cloud, options: { connectionString: \""
                        + azurite.connectionString() + "\", createContainer: true }";
            }
            case "gs" -> {
                GcsTestServer gcs = GcsTestServer.start();
                servers.add(gcs);
                gcs.createBucket("photos");
                target = "uri: \"gs://photos/heirloom\", medium: cloud, options: { endpoint: \"" + gcs.endpoint()
                        + "\", anonymous: true, chunkSizeMiB: 1, resumeDir: \"" + tmp.resolve("resume") + "\" }"
                        + ENCRYPTED;
            }
            case "s3" -> {
                S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3proxy"));
                servers.add(s3);
                target = "uri: \"s3://photos/heirloom\", medium: cloud, options: { endpoint: \"" + s3.endpoint()
                        + "\", accessKeyId: \"" + S3ProxyServer.ACCESS_KEY + "\", secretAccessKey: \""
                        + S3ProxyServer.SECRET_KEY + "\", createBucket: true }" + ENCRYPTED;
            }
            default -> throw new IllegalArgumentException(kind);
        }
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: t, %s, site: onsite, retention: { last: 2 } }
                """.formatted(photos, target));
        return cfg;
    }

    /** New photos, an edited one and a deleted one: the next run has work to be cut in. */
    private void change(Path photos, int trial) throws IOException {
        write(photos.resolve("new/IMG_" + trial + "_a.jpg"), 50_000 + random.nextInt(400_000));
        write(photos.resolve("new/IMG_" + trial + "_b.jpg"), 50_000 + random.nextInt(400_000));
        if (trial % 3 == 0) {
            write(photos.resolve("new/VID_" + trial + ".mp4"), (4 + random.nextInt(6)) << 20);
        }
        write(photos.resolve("20" + (18 + trial % 4) + "/IMG_" + trial % 24 + ".jpg"), 30_000 + random.nextInt(300_000));
        if (trial > 2) {
            Files.deleteIfExists(photos.resolve("new/IMG_" + (trial - 3) + "_b.jpg"));
        }
    }

    private void write(Path file, int size) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] block = new byte[Math.min(size, 1 << 20)];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, Math.min(left, block.length));
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long time(Step step) throws Exception {
        long t = System.nanoTime();
        step.run();
        return (System.nanoTime() - t) / 1_000_000;
    }
}
