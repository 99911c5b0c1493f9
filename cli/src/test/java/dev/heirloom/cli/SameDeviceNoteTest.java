package dev.heirloom.cli;

import dev.heirloom.testservers.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Places on one file system are not independent copies whatever their labels: plan and status
 * say which, and a target on a disk of its own is not named.
 */
class SameDeviceNoteTest {
    @TempDir
    Path tmp;

    @Test
    void planAndStatusNameThePlacesThatShareADisk() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(photos.resolve("IMG_1.jpg"), "a photo");
        try (Mounts other = Mounts.tmpfs(tmp.resolve("other-disk"), 1024 * 1024)) {
            Path cfg = tmp.resolve("heirloom.yaml");
            Files.writeString(cfg, """
                    source: { path: %s }
                    targets:
                      - { name: usb, path: %s/usb, medium: external-disk, site: onsite }
                      - { name: nas, path: %s/nas, medium: nas, site: onsite }
                      - { name: far, path: %s/far, medium: cloud, site: offsite }
                    """.formatted(photos, tmp, tmp, other.path()));
            CliRun plan = CliRun.of("plan", "-c", cfg.toString());
            assertThat(plan.out()).as(plan.all()).contains("note: the source, usb and nas are on one file system")
                    .doesNotContain("far are on");
            assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isZero();
            CliRun status = CliRun.of("status", "-c", cfg.toString());
            assertThat(status.out()).contains("note: the source, usb and nas are on one file system",
                    "not independent copies");
            CliRun json = CliRun.of("status", "-c", cfg.toString(), "--json");
            assertThat(json.out()).contains("\"notes\"", "the source, usb and nas are on one file system");
        }
    }
}
