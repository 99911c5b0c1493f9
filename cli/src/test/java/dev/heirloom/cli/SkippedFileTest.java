package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A file the backup had to skip has no copy: the backup never says MET for "all" files then. */
class SkippedFileTest {
    @TempDir
    Path tmp;

    @Test
    void aBackupThatSkippedAFileDoesNotSayMet() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(photos.resolve("IMG_1.jpg"), "a photo");
        // followed links: a link whose file is gone cannot be read, so the backup skips it
        Files.createSymbolicLink(photos.resolve("IMG_2.jpg"), tmp.resolve("card/IMG_2.jpg"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s, followLinks: true }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: %s/usb, medium: external-disk, site: onsite }
                """.formatted(photos, tmp));
        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isEqualTo(1);
        assertThat(backup.out()).contains("1 file(s) or folder(s) skipped", "IMG_2.jpg",
                "NOT MET - 1 file(s) or folder(s) of the source were skipped").doesNotContain("MET - all");
    }
}
