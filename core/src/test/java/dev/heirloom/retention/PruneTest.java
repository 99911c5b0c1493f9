package dev.heirloom.retention;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.StorageException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class PruneTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .retention("usb", RetentionPolicy.none().withLast(1)).clock(clock).build();
    }

    @Test
    void pruneAfterForgetFreesExactlyWhatOnlyTheForgottenSnapshotsUsed() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Trees.write(src, "keep.jpg", "kept in every snapshot");
        Trees.write(src, "old.jpg", "x".repeat(1000));
        try (Heirloom h = heirloom(src)) {
            h.backup();
            Files.delete(src.resolve("old.jpg"));
            clock.advance(Duration.ofSeconds(3600));
            h.backup();
            assertThat(h.prune("usb", Duration.ofHours(1), false).deleted()).as("nothing unreferenced yet").isZero();

            assertThat(h.forget("usb", false).forgotten()).isEqualTo(1);
            PruneReport mark = h.prune("usb", Duration.ofHours(1), false);
            assertThat(mark.deleted()).as("first phase only marks").isZero();
            assertThat(mark.marked()).as("old.jpg's object and the old root tree").isEqualTo(2);

            clock.advance(Duration.ofMinutes(30));
            assertThat(h.prune("usb", Duration.ofHours(1), false).deleted()).as("inside the grace period").isZero();

            clock.advance(Duration.ofMinutes(31));
            PruneReport dry = h.prune("usb", Duration.ofHours(1), true);
            assertThat(dry.deleted()).isEqualTo(2);
            long[] told = new long[4];
            PruneReport done = h.prune("usb", Duration.ofHours(1), false, new dev.heirloom.progress.OperationProgress() {
                @Override
                public void total(long items, long bytes) {
                    told[0] = items;
                    told[1] = bytes;
                }

                @Override
                public synchronized void done(long items, long bytes) {
                    told[2] += items;
                    told[3] += bytes;
                }
            });
            assertThat(told).as("total and done: the deletions and their bytes")
                    .containsExactly(2, done.bytesFreed(), 2, done.bytesFreed());
            assertThat(done.deleted()).isEqualTo(2);
            assertThat(done.bytesFreed()).isGreaterThan(1000);
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
            Path out = tmp.resolve("out");
            assertThat(h.restore("usb", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
            assertThat(Trees.read(out)).isEqualTo(Map.of("keep.jpg", "kept in every snapshot"));
        }
    }

    @Test
    void aBackupAndAPruneAtOnceNeverLoseAnythingReferenced() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 300; i++) {
            Trees.write(src, "p/" + i + ".jpg", "photo " + i);
        }
        try (Heirloom first = heirloom(src)) {
            first.backup();
        }
        for (int i = 300; i < 600; i++) {
            Trees.write(src, "q/" + i + ".jpg", "photo " + i);
        }
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            try (Heirloom a = heirloom(src); Heirloom b = heirloom(src)) {
                CompletableFuture<BackupReport> backup = CompletableFuture.supplyAsync(a::backup);
                CompletableFuture<String> prune = CompletableFuture.supplyAsync(() -> {
                    try {
                        return "pruned " + b.prune("usb", Duration.ZERO, false).deleted();
                    } catch (StorageException e) {
                        return "prune refused: " + e.getMessage();
                    }
                });
                BackupReport r = backup.join();
                outcomes.add((r.succeeded() ? "backup ok" : "backup refused: " + r.targets().get(0).error().orElse("?"))
                        + " / " + prune.join());
            }
            clock.advance(Duration.ofSeconds(60));
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o).doesNotContain("?"));
        try (Heirloom h = heirloom(src)) {
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).as(outcomes.toString()).isTrue();
            for (Snapshot s : h.snapshots("usb")) {
                Path out = tmp.resolve("out-" + s.id());
                assertThat(h.restore("usb", Optional.of(s.id()), RestoreOptions.into(out)).complete()).isTrue();
            }
        }
    }
}
