package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ListPage;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BackupAndRestoreTest {
    @TempDir
    Path tmp;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> stores = List.of("usb-" + id, "nas-" + id, "cloud-" + id);

    @AfterEach
    void dropStores() {
        stores.forEach(InMemoryTargetProvider::drop);
    }

    private Heirloom heirloom(Path source) {
        return Heirloom.builder()
                .source(source, MediaFilter.photosAndVideos())
                .target("usb", URI.create("mem://" + stores.get(0)), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nas", URI.create("mem://" + stores.get(1)), Medium.NAS, Site.ONSITE)
                .target("cloud", URI.create("mem://" + stores.get(2)), Medium.CLOUD, Site.OFFSITE)
                .policy(Policy.threeTwoOne())
                .registry(ProviderRegistry.of(new InMemoryTargetProvider()))
                .threads(3)
                .build();
    }

    @Test
    void anEarlierSnapshotRestoresByteIdenticalAfterDeletesAndEdits() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("Pictures"));
        Trees.write(source, "2019/beach.jpg", "beach photo");
        Trees.write(source, "2019/sunset.jpg", "sunset photo");
        Trees.write(source, "2020/party/clip.mp4", "video bytes ".repeat(1000));
        Trees.write(source, "2020/party/clip.xmp", "<xmp/>");
        Trees.write(source, "notes.txt", "not a photo: not backed up");
        Map<String, String> original = Trees.read(source);
        original.remove("notes.txt");

        try (Heirloom h = heirloom(source)) {
            BackupReport first = h.backup();
            assertThat(first.succeeded()).isTrue();
            assertThat(first.stats().files()).isEqualTo(4);
            assertThat(first.compliance().compliant()).isTrue();

            Files.delete(source.resolve("2019/beach.jpg"));
            Trees.write(source, "2019/sunset.jpg", "sunset photo, edited and longer");
            BackupReport second = h.backup();
            assertThat(second.succeeded()).isTrue();
            assertThat(second.stats().files()).isEqualTo(3);

            for (String target : List.of("usb", "nas", "cloud")) {
                List<Snapshot> snapshots = h.snapshots(target);
                assertThat(snapshots).hasSize(2);
                Path out = tmp.resolve("restore-" + target);
                RestoreReport report = h.restore(target, Optional.of(snapshots.get(0).id()), RestoreOptions.into(out));
                assertThat(report.complete()).isTrue();
                assertThat(Trees.read(out)).isEqualTo(original);
            }

            Path latest = tmp.resolve("restore-latest");
            h.restore("cloud", Optional.empty(), RestoreOptions.into(latest));
            assertThat(Trees.read(latest)).doesNotContainKey("2019/beach.jpg")
                    .containsEntry("2019/sunset.jpg", "sunset photo, edited and longer");

            Path onlyBeach = tmp.resolve("restore-deleted");
            RestoreReport one = h.restore("usb", Optional.of(h.snapshots("usb").get(0).id()),
                    RestoreOptions.into(onlyBeach).withGlob("2019/beach.jpg"));
            assertThat(one.filesRestored()).isEqualTo(1);
            assertThat(Trees.read(onlyBeach)).containsOnlyKeys("2019/beach.jpg").containsEntry("2019/beach.jpg", "beach photo");
        }
    }

    @Test
    void twoFilesWithTheSameContentAreStoredOnce() {
        Path source = tmp.resolve("src");
        Trees.write(source, "album-a/IMG_1.jpg", "same bytes");
        Trees.write(source, "album-b/IMG_1 copy.jpg", "same bytes");
        Trees.write(source, "album-b/other.jpg", "different bytes");
        try (Heirloom h = heirloom(source)) {
            h.backup();
            for (String store : stores) {
                InMemoryTarget t = InMemoryTargetProvider.store(store);
                ListPage objects = t.list(RepositoryLayout.OBJECTS, Optional.empty(), 100);
                assertThat(objects.objects()).as(store).hasSize(2);
            }
        }
    }

    @Test
    void twoIdenticalFoldersShareOneTreeAndBothAreRestored() throws Exception {
        Path source = tmp.resolve("src");
        Path a = Trees.write(source, "2019/album/IMG_1.jpg", "same bytes");
        Path b = Trees.write(source, "2019-copy/album/IMG_1.jpg", "same bytes");
        Files.setLastModifiedTime(b, Files.getLastModifiedTime(a));
        try (Heirloom h = heirloom(source)) {
            h.backup();
            Path out = tmp.resolve("out");
            RestoreReport report = h.restore("usb", Optional.empty(), RestoreOptions.into(out));
            assertThat(report.filesRestored()).isEqualTo(2);
            assertThat(Files.readString(out.resolve("2019/album/IMG_1.jpg"))).isEqualTo("same bytes");
            assertThat(Files.readString(out.resolve("2019-copy/album/IMG_1.jpg"))).isEqualTo("same bytes");
        }
    }

    @Test
    void restoredFilesKeepTheirModificationTimes() throws Exception {
        Path source = tmp.resolve("src");
        Trees.write(source, "a/one.jpg", "1");
        Trees.write(source, "b/two.heic", "2");
        try (Heirloom h = heirloom(source)) {
            h.backup();
            Path out = tmp.resolve("out");
            h.restore("nas", Optional.empty(), RestoreOptions.into(out));
            assertThat(Trees.mtimes(out)).isEqualTo(Trees.mtimes(source));
        }
    }
}
