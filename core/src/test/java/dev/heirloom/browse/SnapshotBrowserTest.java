package dev.heirloom.browse;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listing, finding, comparing and reading back files of snapshots, on a repository two backups made. */
class SnapshotBrowserTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();

    private Heirloom open(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build();
    }

    private static String sha(String s) {
        return MultiDigest.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Two snapshots: the second adds, removes, edits a file, and a rehash finds one rotten. */
    private Path twoSnapshots() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2019/beach/IMG_0001.jpg", "sand");
        Trees.write(src, "2019/beach/IMG_0002.jpg", "sea");
        Trees.write(src, "2019/IMG_0009.jpg", "sun");
        Path rotten = Trees.write(src, "2020/IMG_0001.jpg", "snow");
        try (Heirloom h = open(src)) {
            h.backup();
            Files.writeString(src.resolve("2019/beach/IMG_0001.jpg"), "sand and shells");
            Files.setLastModifiedTime(src.resolve("2019/beach/IMG_0001.jpg"), FileTime.fromMillis(1_700_000_000_000L));
            Files.delete(src.resolve("2019/IMG_0009.jpg"));
            Trees.write(src, "2021/IMG_0100.jpg", "rain");
            FileTime kept = Files.getLastModifiedTime(rotten);
            Files.writeString(rotten, "snaw");
            Files.setLastModifiedTime(rotten, kept);
            h.backup(ProgressListener.NONE, 100);
        }
        return src;
    }

    @Test
    void listsASnapshotAFolderOrOneFileInNameOrder() throws Exception {
        Path src = twoSnapshots();
        try (Heirloom h = open(src)) {
            SnapshotBrowser b = h.browse("usb");
            Snapshot latest = b.snapshot("latest");
            assertThat(b.snapshot(latest.id().substring(0, 6))).isEqualTo(latest);
            assertThat(b.snapshots()).hasSize(2).last().isEqualTo(latest);

            List<String> all = new ArrayList<>();
            b.list(latest, "", e -> all.add(e.path() + (e.entry().isDir() ? "/" : "")));
            assertThat(all).containsExactly("2019/", "2019/beach/", "2019/beach/IMG_0001.jpg", "2019/beach/IMG_0002.jpg",
                    "2020/", "2020/IMG_0001.jpg", "2021/", "2021/IMG_0100.jpg");
            List<SnapshotEntry> beach = new ArrayList<>();
            b.list(latest, "/2019/beach/", beach::add);
            assertThat(beach).extracting(SnapshotEntry::path)
                    .containsExactly("2019/beach", "2019/beach/IMG_0001.jpg", "2019/beach/IMG_0002.jpg");
            assertThat(beach.get(1).entry().size()).isEqualTo("sand and shells".length());
            List<String> one = new ArrayList<>();
            b.list(latest, "2021/IMG_0100.jpg", e -> one.add(e.path()));
            assertThat(one).containsExactly("2021/IMG_0100.jpg");

            assertThatThrownBy(() -> b.list(latest, "2019/IMG_0009.jpg", e -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no 2019/IMG_0009.jpg");
            assertThatThrownBy(() -> b.list(latest, "2021/IMG_0100.jpg/x", e -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a file");
        }
    }

    @Test
    void findsEveryVersionOfAFileByNameOrByPath() throws Exception {
        Path src = twoSnapshots();
        try (Heirloom h = open(src)) {
            SnapshotBrowser b = h.browse("usb");
            List<String> unreadable = new ArrayList<>();
            List<FileVersions> byName = b.find("IMG_0001.jpg", unreadable::add);
            assertThat(unreadable).isEmpty();
            assertThat(byName).extracting(FileVersions::path).containsExactly("2019/beach/IMG_0001.jpg", "2020/IMG_0001.jpg");
            FileVersions edited = byName.get(0);
            assertThat(edited.versions()).hasSize(2);
            assertThat(edited.distinctContents()).isEqualTo(2);
            assertThat(edited.versions()).extracting(v -> v.entry().content()).containsExactly(sha("sand"), sha("sand and shells"));
            assertThat(b.find("IMG_0009.jpg", unreadable::add)).singleElement()
                    .satisfies(f -> assertThat(f.versions()).as("gone from the source, kept in the first snapshot").hasSize(1));
            assertThat(b.find("2019/**", unreadable::add)).extracting(FileVersions::path)
                    .containsExactly("2019/IMG_0009.jpg", "2019/beach/IMG_0001.jpg", "2019/beach/IMG_0002.jpg");
            assertThat(b.find("*.heic", unreadable::add)).isEmpty();
        }
    }

    @Test
    void aDiffNamesAddedRemovedModifiedAndPossiblyRottenFiles() throws Exception {
        Path src = twoSnapshots();
        try (Heirloom h = open(src)) {
            SnapshotBrowser b = h.browse("usb");
            List<Snapshot> both = b.snapshots();
            SnapshotDiff d = b.diff(both.get(0), both.get(1));
            assertThat(d.added()).extracting(SnapshotEntry::path).containsExactly("2021/IMG_0100.jpg");
            assertThat(d.removed()).extracting(SnapshotEntry::path).containsExactly("2019/IMG_0009.jpg");
            assertThat(d.modified()).extracting(c -> c.after().path()).containsExactly("2019/beach/IMG_0001.jpg");
            assertThat(d.suspect()).extracting(c -> c.after().path()).containsExactly("2020/IMG_0001.jpg");
            assertThat(d.same()).isFalse();
            assertThat(b.diff(both.get(1), both.get(1)).same()).isTrue();
        }
    }

    @Test
    void aFileReadBackIsCheckedAgainstItsHash() throws Exception {
        Path src = twoSnapshots();
        try (Heirloom h = open(src)) {
            SnapshotBrowser b = h.browse("usb");
            Snapshot latest = b.snapshot("latest");
            try (InputStream in = b.open(latest, "2019/beach/IMG_0001.jpg")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("sand and shells");
            }
            usb.corrupt(RepositoryLayout.objectKey(sha("sand and shells")), "sand and shellz".getBytes(StandardCharsets.UTF_8));
            try (InputStream in = b.open(latest, "2019/beach/IMG_0001.jpg")) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                        .hasMessageContaining("2019/beach/IMG_0001.jpg is damaged");
            }
            assertThatThrownBy(() -> b.open(latest, "2019/beach")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a folder");
        }
    }

    @Test
    void statsCountVersionsAndWhatTheyShare() throws Exception {
        Path src = twoSnapshots();
        try (Heirloom h = open(src)) {
            RepositoryStats s = h.browse("usb").stats(u -> { });
            assertThat(s.snapshots()).isEqualTo(2);
            assertThat(s.latestFiles()).isEqualTo(4);
            assertThat(s.fileVersions()).isEqualTo(8);
            // sand, sea, sun, snow; then sand and shells, rain, and the suspect snaw kept beside snow
            assertThat(s.objects()).isEqualTo(7);
            assertThat(s.logicalBytes()).isEqualTo(4 + 3 + 3 + 4 + 15 + 3 + 4 + 4);
            assertThat(s.dedupRatio()).isGreaterThan(1.0);
        }
    }
}
