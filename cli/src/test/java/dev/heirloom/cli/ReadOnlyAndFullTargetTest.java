package dev.heirloom.cli;

import dev.heirloom.testservers.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup medium that can no longer be written, on real mounts: a folder seen read-only (a USB
 * disk remounted read-only after an error, a write-protected offsite disk) and a full tmpfs. Every
 * command that only reads works on it; a backup to it fails and says why.
 */
class ReadOnlyAndFullTargetTest {
    @TempDir
    Path tmp;

    private Path photos() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos/2024"));
        Random random = new Random(1);
        for (int i = 0; i < 5; i++) {
            byte[] jpeg = new byte[40_000 + i];
            random.nextBytes(jpeg);
            Files.write(photos.resolve("IMG_" + i + ".jpg"), jpeg);
        }
        return tmp.resolve("photos");
    }

    private Path config(String name, Path photos, Path target) throws Exception {
        Path cfg = tmp.resolve(name);
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: %s, medium: external-disk, site: onsite }
                """.formatted(photos, target));
        return cfg;
    }

    private static void assertReadersWork(Path cfg, Path restoreTo, Path photos) throws Exception {
        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.code()).as(status.all()).isZero();
        assertThat(status.out()).contains("MET - all 5 files").doesNotContain("UNAVAILABLE");
        CliRun snapshots = CliRun.of("snapshots", "-c", cfg.toString());
        assertThat(snapshots.code()).as(snapshots.all()).isZero();
        assertThat(snapshots.out()).contains("usb: 1 snapshot(s)");
        CliRun verify = CliRun.of("verify", "-c", cfg.toString(), "--level", "content");
        assertThat(verify.code()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("content check of 5 objects", "all good", "could not be recorded");
        CliRun restore = CliRun.of("restore", "-c", cfg.toString(), "--target", "usb", "--to", restoreTo.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        for (int i = 0; i < 5; i++) {
            Path rel = Path.of("2024/IMG_" + i + ".jpg");
            assertThat(Files.readAllBytes(restoreTo.resolve(rel))).isEqualTo(Files.readAllBytes(photos.resolve(rel)));
        }
    }

    @Test
    void aReadOnlyTargetIsReadByStatusSnapshotsVerifyAndRestoreAndABackupSaysWhyItCannot() throws Exception {
        Path photos = photos();
        Path usb = tmp.resolve("usb");
        assertThat(CliRun.of("backup", "-c", config("rw.yaml", photos, usb).toString()).code()).isZero();
        try (Mounts ro = Mounts.readOnlyView(usb, tmp.resolve("usb-read-only"))) {
            Path cfg = config("ro.yaml", photos, ro.path());
            assertThat(ro.path().resolve("heirloom.json")).exists();

            assertReadersWork(cfg, tmp.resolve("back"), photos);

            Files.writeString(photos.resolve("2024/new.jpg"), "a new photo");
            CliRun backup = CliRun.of("backup", "-c", cfg.toString());
            assertThat(backup.code()).isEqualTo(1);
            assertThat(backup.out()).contains("usb", "FAILED", "read-only");
        }
    }

    @Test
    void aFullDiskIsVerifiedAndRestoredAndABackupToItFailsWithoutDamage() throws Exception {
        Path photos = photos();
        try (Mounts disk = Mounts.tmpfs(tmp.resolve("full-disk"), 2 * 1024 * 1024)) {
            Path cfg = config("full.yaml", photos, disk.path().resolve("heirloom"));
            assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isZero();
            disk.fill();

            assertReadersWork(cfg, tmp.resolve("back"), photos);

            byte[] big = new byte[300_000];
            new Random(2).nextBytes(big);
            Files.write(photos.resolve("2024/video.mp4"), big);
            CliRun backup = CliRun.of("backup", "-c", cfg.toString());
            assertThat(backup.code()).isEqualTo(1);
            assertThat(backup.all()).containsIgnoringCase("no space");
            Files.delete(photos.resolve("2024/video.mp4"));
            CliRun status = CliRun.of("status", "-c", cfg.toString());
            assertThat(status.code()).as("the last snapshot is still whole").isZero();
        }
    }
}
