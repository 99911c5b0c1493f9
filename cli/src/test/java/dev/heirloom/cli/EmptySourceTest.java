package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An unmounted photo drive (an empty mount point) is not "MET - all 0 files". */
class EmptySourceTest {
    @TempDir
    Path tmp;

    @Test
    void anEmptySourceExitsOneWithNoSnapshotUnlessAllowed() throws Exception {
        Path pictures = Files.createDirectories(tmp.resolve("Pictures"));
        Files.writeString(pictures.resolve("IMG_1.jpg"), "photo");
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isZero();
        Files.delete(pictures.resolve("IMG_1.jpg"));

        CliRun refused = CliRun.of("backup", "-c", cfg.toString());
        assertThat(refused.code()).as(refused.all()).isEqualTo(HeirloomCli.FAILED);
        assertThat(refused.out()).contains("NO SNAPSHOT WRITTEN").contains("holds no file").doesNotContain("MET - all 0");
        CliRun snapshots = CliRun.of("snapshots", "-c", cfg.toString());
        assertThat(snapshots.out()).contains("1 snapshot(s)");

        CliRun allowed = CliRun.of("backup", "--allow-shrink", "-c", cfg.toString());
        assertThat(allowed.out()).doesNotContain("NO SNAPSHOT");
        assertThat(CliRun.of("snapshots", "-c", cfg.toString()).out()).contains("2 snapshot(s)");

        Files.writeString(cfg, Files.readString(cfg) + "maxShrinkPercent: 100.0\n");
        CliRun bad = CliRun.of("backup", "-c", cfg.toString());
        assertThat(bad.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(bad.err()).contains("maxShrinkPercent").contains("100.0");
    }
}
