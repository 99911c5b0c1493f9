package dev.heirloom.repository;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** heirloom.json is checked by readers, and a missing one beside snapshots is damage, not a new repository. */
class RepositoryConfigCheckTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build();
    }

    @Test
    void aMissingConfigBesideSnapshotsIsRefusedNotRecreatedAndRestoreStillWorks() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            usb.delete(RepositoryLayout.CONFIG);
            BackupReport again = h.backup();
            assertThat(again.targets()).singleElement().satisfies(t -> assertThat(t.error()).get().asString()
                    .contains("heirloom.json is missing although the target holds snapshots"));
            assertThat(usb.stat(RepositoryLayout.CONFIG)).as("not recreated under a new id").isEmpty();
            h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out")));
            assertThat(Files.readString(tmp.resolve("out/a.jpg"))).isEqualTo("photo");
        }
    }

    @Test
    void aBackupReadsHeirloomJsonOnce() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
        }
        InMemoryTarget counted = org.mockito.Mockito.spy(usb);
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> counted)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
            h.backup();
        }
        org.mockito.Mockito.verify(counted, org.mockito.Mockito.times(1)).read(
                org.mockito.ArgumentMatchers.eq(RepositoryLayout.CONFIG), org.mockito.ArgumentMatchers.anyLong(),
                org.mockito.ArgumentMatchers.anyLong());
    }

    @Test
    void aNewerConfigStopsEveryReaderAndAGarbageOneOnlyTheBackupTillRepairWritesItAgain() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
        }
        byte[] future = "{\"format\":\"heirloom-repository\",\"version\":99,\"id\":\"x\",\"created\":\"2030-01-01T00:00:00Z\",\"objectHash\":\"sha256\"}"
                .getBytes(StandardCharsets.UTF_8);
        usb.write(RepositoryLayout.CONFIG, ContentSource.ofBytes(future), WriteOptions.replace(Checksums.none()));
        try (Heirloom h = heirloom(src)) {
            assertThatThrownBy(() -> h.snapshots("usb")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("newer than this Heirloom understands");
            assertThatThrownBy(() -> h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out"))))
                    .hasMessageContaining("newer than this Heirloom understands");
            assertThat(h.status().targets()).singleElement().satisfies(t -> assertThat(t.error()).isPresent());
        }
        usb.write(RepositoryLayout.CONFIG, ContentSource.ofBytes("not json".getBytes(StandardCharsets.UTF_8)),
                WriteOptions.replace(Checksums.none()));
        try (Heirloom h = heirloom(src)) {
            // damaged, it tells nothing: readers go on (the photos must come back), a backup does not build on it
            assertThat(h.snapshots("usb")).hasSize(1);
            assertThat(h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("back"))).filesRestored())
                    .isEqualTo(1);
            assertThat(h.backup().targets()).singleElement().satisfies(t -> assertThat(t.error()).get().asString()
                    .contains("heirloom.json is damaged", "heirloom repair"));
            assertThat(h.repair("usb", dev.heirloom.verify.VerifyLevel.PRESENT).repaired())
                    .extracting(dev.heirloom.verify.RepairReport.Repaired::hash).contains(RepositoryLayout.CONFIG);
            assertThat(h.backup().succeeded()).isTrue();
        }
    }
}
