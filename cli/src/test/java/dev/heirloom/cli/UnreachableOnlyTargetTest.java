package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the only target holding the backup cannot be reached, status says the policy is not met
 * and why, without claiming that no backup exists.
 */
class UnreachableOnlyTargetTest {
    @TempDir
    Path tmp;

    @Test
    void statusDoesNotSayThereIsNoSnapshotWhenItsTargetIsOnlyUnreachable() throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Path usb = Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: %s/heirloom, medium: external-disk, site: onsite }
                """.formatted(sample, usb));
        assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isZero();
        // the disk is unplugged: its folder and the mount point are gone
        try (var files = Files.walk(usb)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.code()).isNotZero();
        assertThat(status.out()).contains("NOT MET - no snapshot on a reachable target", "not counted (unavailable): usb")
                .doesNotContain("no target holds a snapshot yet");
    }
}
