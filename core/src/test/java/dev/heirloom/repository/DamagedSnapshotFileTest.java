package dev.heirloom.repository;

import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.RepairReport;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One truncated snapshot file is reported and skipped, never the end of the whole target, and repair copies it back. */
class DamagedSnapshotFileTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = Map.of("usb", new InMemoryTarget(), "cloud", new InMemoryTarget());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE).clock(clock).build();
    }

    @Test
    void aTruncatedSnapshotIsSkippedReportedAndRepaired() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo a");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            clock.advance(Duration.ofDays(1));
            Trees.write(src, "b.jpg", "photo b");
            h.backup();
            InMemoryTarget usb = stores.get("usb");
            String older = RepositoryLayout.snapshotKey(h.snapshots("usb").get(0));
            usb.write(older, ContentSource.ofBytes("{\"version\":1,\"id\"".getBytes()), WriteOptions.replace(Checksums.none()));
        }
        try (Heirloom h = heirloom(src)) {
            assertThat(h.snapshots("usb")).as("the intact one is still listed").hasSize(1);
            assertThat(h.status().compliance().compliant()).as("source, usb and cloud: 3-2-1").isTrue();
            assertThat(h.status().compliance().totalFiles()).isEqualTo(2);
            h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out")));
            assertThat(Files.readString(tmp.resolve("out/b.jpg"))).isEqualTo("photo b");
            // what the damaged one names is unknown: prune must not take its objects for garbage
            assertThatThrownBy(() -> h.prune("usb", Duration.ZERO, false)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("snapshot file(s) cannot be read").hasMessageContaining("heirloom repair");

            VerifyReport verify = h.verify("usb", VerifyLevel.PRESENT, 100);
            assertThat(verify.clean()).isFalse();
            assertThat(verify.bad()).singleElement().satisfies(b -> {
                assertThat(b.kind()).isEqualTo(BadObject.Kind.SNAPSHOT);
                assertThat(b.detail()).contains("heirloom repair");
            });
            RepairReport repair = h.repair("usb", VerifyLevel.PRESENT);
            assertThat(repair.healed()).isTrue();
            assertThat(repair.repaired()).singleElement().satisfies(r -> assertThat(r.from()).isEqualTo("target:cloud"));
        }
        try (Heirloom h = heirloom(src)) {
            assertThat(h.snapshots("usb")).hasSize(2);
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
            assertThat(h.prune("usb", Duration.ZERO, false).deleted()).isZero();
        }
    }
}
