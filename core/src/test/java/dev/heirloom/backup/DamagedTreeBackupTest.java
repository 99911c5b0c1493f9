package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tree of the last snapshot that is missing or corrupt on a target is never built upon: the
 * next backup reads that folder from the source, stores its tree again, and writes a snapshot that
 * names only trees the target holds intact.
 */
class DamagedTreeBackupTest {
    @TempDir
    Path tmp;

    private final String id = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void drop() {
        InMemoryTargetProvider.drop("usb" + id);
        InMemoryTargetProvider.drop("cloud" + id);
    }

    private Heirloom open(Path source) {
        return Heirloom.builder()
                .source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new InMemoryTargetProvider()))
                .retryPolicy(RetryPolicy.none())
                .target("usb", URI.create("mem://usb" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("mem://cloud" + id), Medium.CLOUD, Site.OFFSITE)
                .build();
    }

    private Path library() {
        Path source = tmp.resolve("library");
        Trees.write(source, "2020/beach.jpg", "the beach");
        Trees.write(source, "2021/party.jpg", "the party");
        Trees.write(source, "2021/trip/alps.jpg", "the alps");
        Trees.write(source, "2021/trip/lake.mp4", "the lake video");
        return source;
    }

    @Test
    void aMissingOrCorruptTreeIsWrittenAgainFromTheSourceAndTheNewSnapshotIsIntact() {
        Path source = library();
        try (Heirloom h = open(source)) {
            assertThat(h.backup().succeeded()).isTrue();
            InMemoryTarget usb = InMemoryTargetProvider.store("usb" + id);
            InMemoryTarget cloud = InMemoryTargetProvider.store("cloud" + id);
            String year = treeAt(usb, "2021");
            String trip = treeAt(cloud, "2021/trip");
            usb.delete(RepositoryLayout.treeKey(year));
            cloud.corrupt(RepositoryLayout.treeKey(trip), "{\"version\":1,\"entries\":[]}".getBytes(StandardCharsets.UTF_8));

            BackupReport again = h.backup();

            assertThat(again.succeeded()).isTrue();
            for (InMemoryTarget t : List.of(usb, cloud)) {
                assertThat(filesUnder(t)).as("every tree of the new snapshot reads back")
                        .containsExactly("2020/beach.jpg", "2021/party.jpg", "2021/trip/alps.jpg", "2021/trip/lake.mp4");
            }
            TargetResult onUsb = result(again, "usb");
            TargetResult onCloud = result(again, "cloud");
            assertThat(onUsb.treesDamaged()).isEqualTo(1);
            assertThat(onUsb.treesRepaired()).isEqualTo(1);
            assertThat(onCloud.treesDamaged()).isEqualTo(1);
            assertThat(onCloud.treesRepaired()).isEqualTo(1);
            for (String target : List.of("usb", "cloud")) {
                Path back = tmp.resolve("back-" + target);
                h.restore(target, Optional.empty(), RestoreOptions.into(back));
                assertThat(Trees.read(back)).isEqualTo(Trees.read(source));
            }
            BackupReport third = h.backup();
            assertThat(result(third, "usb").treesDamaged()).as("nothing left to mend").isZero();
            assertThat(result(third, "cloud").treesWritten()).isZero();
        }
    }

    @Test
    void aDamagedTreeWhoseFolderChangedSinceIsLeftOutOfTheNewSnapshot() {
        Path source = library();
        try (Heirloom h = open(source)) {
            assertThat(h.backup().succeeded()).isTrue();
            InMemoryTarget usb = InMemoryTargetProvider.store("usb" + id);
            String trip = treeAt(usb, "2021/trip");
            usb.delete(RepositoryLayout.treeKey(trip));
            Trees.write(source, "2021/trip/glacier.jpg", "the glacier");

            BackupReport again = h.backup();

            TargetResult onUsb = result(again, "usb");
            assertThat(onUsb.treesDamaged()).isEqualTo(1);
            assertThat(onUsb.treesRepaired()).as("the folder gave a different tree").isZero();
            assertThat(filesUnder(usb)).contains("2021/trip/glacier.jpg", "2021/trip/alps.jpg", "2021/trip/lake.mp4");
        }
    }

    private static TargetResult result(BackupReport r, String name) {
        return r.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Snapshot latest(InMemoryTarget t) {
        return new Repository(t).snapshots().stream().max(Comparator.comparing(Snapshot::time)).orElseThrow();
    }

    /** The tree hash the latest snapshot names at a folder path. */
    private static String treeAt(InMemoryTarget t, String path) {
        Repository repo = new Repository(t);
        String hash = latest(t).root();
        for (String part : path.split("/")) {
            hash = repo.trees().get(hash).entries().stream().filter(e -> e.name().equals(part)).findFirst()
                    .orElseThrow().tree();
        }
        return hash;
    }

    /** Every file path the latest snapshot names, reading each of its trees (a missing or corrupt one throws). */
    private static List<String> filesUnder(InMemoryTarget t) {
        Repository repo = new Repository(t);
        List<String> files = new java.util.ArrayList<>();
        collect(repo, latest(t).root(), "", files);
        return files;
    }

    private static void collect(Repository repo, String hash, String prefix, List<String> into) {
        Tree tree = repo.trees().get(hash);
        for (TreeEntry e : tree.entries()) {
            if (e.isDir()) {
                collect(repo, e.tree(), prefix + e.name() + "/", into);
            } else {
                into.add(prefix + e.name());
            }
        }
    }
}
