package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder record missing from a target: status, verify, backup and repair each answer with what
 * is damaged, where, and the fix, never a bare "object not found", and never MET until mended.
 */
class DamagedFolderStatusTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingFolderRecordIsNamedWithItsFixAndRepairMakesThePolicyMetAgain() throws Exception {
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos.resolve("2021/trip"));
        Files.writeString(photos.resolve("2021/trip/IMG_1.jpg"), "the alps");
        Files.writeString(photos.resolve("2021/trip/IMG_2.jpg"), "the lake");
        Files.createDirectories(photos.resolve("2020"));
        Files.writeString(photos.resolve("2020/IMG_3.jpg"), "the beach");
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                targets:
                  - { name: usb, path: %s/usb, medium: external-disk, site: onsite }
                  - { name: cloud, path: %s/cloud, medium: cloud, site: offsite }
                """.formatted(photos, tmp, tmp));
        assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isZero();
        Path trip = recordNaming(tmp.resolve("usb/trees"), "IMG_1.jpg");
        Files.delete(trip);
        String hash = trip.getFileName().toString();

        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.code()).as(status.out() + status.err()).isEqualTo(3);
        assertThat(status.out()).contains("NOT MET", "DAMAGED folder record '2021/trip' (tree " + hash + ")",
                "usb: this folder's record is missing", "fix: heirloom repair",
                "2021/trip/IMG_1.jpg: 2 copies (source, cloud)", "not counted: usb (this folder's record is missing)");

        assertThat(CliRun.of("verify", "-c", cfg.toString(), "--target", "usb").code()).isEqualTo(1);
        CliRun afterVerify = CliRun.of("status", "-c", cfg.toString());
        assertThat(afterVerify.code()).isEqualTo(3);
        assertThat(afterVerify.out()).contains("DAMAGED folder record '2021/trip'", "last verification");
        assertThat(afterVerify.err()).doesNotContain("object not found");

        CliRun repair = CliRun.of("repair", "-c", cfg.toString(), "--target", "usb");
        assertThat(repair.code()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("REPAIRED " + hash + " from target:cloud");
        CliRun healed = CliRun.of("status", "-c", cfg.toString());
        assertThat(healed.code()).as(healed.out()).isZero();
        assertThat(healed.out()).contains("MET - all 3 files").doesNotContain("DAMAGED");
    }

    /** The tree file under {@code trees} whose JSON names the given file. */
    private static Path recordNaming(Path trees, String name) throws Exception {
        try (var files = Files.walk(trees)) {
            List<Path> found = files.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.readString(p).contains("\"" + name + "\"");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }
}
