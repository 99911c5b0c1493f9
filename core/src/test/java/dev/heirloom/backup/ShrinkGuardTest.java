package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.retention.ForgetReport;
import dev.heirloom.retention.RetentionPolicy;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** An empty or much shrunk source (an unmounted photo drive) writes no snapshot, and retention keeps the photos. */
class ShrinkGuardTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private Heirloom.Builder builder(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).clock(clock);
    }

    private static void empty(Path src) throws IOException {
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void anEmptySourceWritesNoSnapshotAndSaysWhy() throws Exception {
        Path src = tmp.resolve("Pictures");
        for (int i = 0; i < 10; i++) {
            Trees.write(src, "2024/IMG_" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = builder(src).build()) {
            assertThat(h.backup().succeeded()).isTrue();
            empty(src); // the drive was not mounted: an empty mount point
            clock.advance(Duration.ofDays(1));
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isFalse();
            assertThat(report.refused()).get().asString().contains("holds no file").contains("its last snapshot held 10")
                    .contains("--allow-shrink");
            assertThat(h.snapshots("usb")).hasSize(1);
            assertThat(h.compliance().totalFiles()).as("the last real snapshot still answers").isEqualTo(10);
        }
    }

    @Test
    void losingMoreThanHalfIsRefusedLessIsNot() throws Exception {
        Path src = tmp.resolve("Pictures");
        for (int i = 0; i < 10; i++) {
            Trees.write(src, "IMG_" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = builder(src).build()) {
            h.backup();
            for (int i = 0; i < 4; i++) {
                Files.delete(src.resolve("IMG_" + i + ".jpg"));
            }
            clock.advance(Duration.ofDays(1));
            assertThat(h.backup().refused()).as("4 of 10 gone").isEmpty();
            for (int i = 4; i < 8; i++) {
                Files.delete(src.resolve("IMG_" + i + ".jpg"));
            }
            clock.advance(Duration.ofDays(1));
            assertThat(h.backup().refused()).as("4 of 6 gone").get().asString().contains("2 files, 4 fewer");
            assertThat(h.snapshots("usb")).hasSize(2);
        }
        try (Heirloom h = builder(src).maxShrinkPercent(100).build()) {
            assertThat(h.backup().succeeded()).as("allowed: the photos were deleted on purpose").isTrue();
            assertThat(h.snapshots("usb")).hasSize(3);
        }
    }

    @Test
    void aFirstBackupOfAnEmptyFolderIsRefused() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        try (Heirloom h = builder(src).build()) {
            assertThat(h.backup().refused()).isPresent();
            assertThat(h.snapshots("usb")).isEmpty();
        }
    }

    @Test
    void retentionNeverForgetsTheLastSnapshotThatHeldTheFiles() throws Exception {
        Path src = tmp.resolve("Pictures");
        Trees.write(src, "IMG_1.jpg", "photo");
        try (Heirloom h = builder(src).maxShrinkPercent(100).retention("usb", RetentionPolicy.none().withLast(1)).build()) {
            h.backup();
            empty(src);
            for (int d = 0; d < 3; d++) {
                clock.advance(Duration.ofDays(1));
                h.backup();
            }
            ForgetReport report = h.forget("usb", false);
            assertThat(h.snapshots("usb")).extracting(s -> s.files()).containsExactly(1L, 0L);
            assertThat(report.decisions()).anySatisfy(d -> assertThat(d.reasons()).contains(
                    "newest that holds files (the later ones are empty)"));
        }
    }
}
