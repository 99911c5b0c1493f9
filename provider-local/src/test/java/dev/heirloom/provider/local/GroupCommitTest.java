package dev.heirloom.provider.local;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

/**
 * New objects committed together: named only once their batch is durable, a failed sync fatal for
 * the rest of the run, and what a killed run left never seen and removed by prune.
 */
class GroupCommitTest {
    private static final GroupCommit.Limits LARGE = new GroupCommit.Limits(1_000, 1L << 30, Duration.ofHours(1));

    @TempDir
    Path tmp;

    private LocalTarget open(Path repo, GroupCommit.Limits limits) {
        return LocalTarget.open(repo, true, 8, FileSystemSync::open, limits);
    }

    private static ObjectInfo putGrouped(StorageTarget t, String key, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return t.write(key, ContentSource.ofBytes(bytes),
                WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(bytes))).withGroupCommit());
    }

    private static List<Path> temporaries(Path repo) throws IOException {
        try (Stream<Path> walk = Files.walk(repo)) {
            return walk.filter(p -> p.getFileName().toString().startsWith(TemporaryFiles.PREFIX)).toList();
        }
    }

    @Test
    void thisMachinesTemporaryFolderCanBeSyncedAsAWholeAndAFuseDiskCannot() throws Exception {
        // the group commit below must really be in use: the build machines' file system is ext4
        assertThat(FileSystemSync.SUPPORTED).contains(Files.getFileStore(tmp).type());
        try (FileSystemSync sync = FileSystemSync.open(tmp).orElseThrow()) {
            sync.sync();
        }
        // an NTFS disk through ntfs-3g: the kernel passes fsync to the daemon, not syncfs
        assertThat(FileSystemSync.open(tmp, "fuseblk")).isEmpty();
        assertThat(FileSystemSync.open(tmp, "nfs4")).isEmpty();
    }

    @Test
    void objectsGetTheirNamesOnlyWhenTheFlushHasMadeThemDurable() throws Exception {
        Path repo = tmp.resolve("repo");
        try (LocalTarget writer = open(repo, LARGE); LocalTarget other = open(repo, LARGE)) {
            putGrouped(writer, "objects/ab/abc", "a small sidecar");
            putGrouped(writer, "trees/cd/cde", "a tree naming it");
            assertThat(writer.stat("objects/ab/abc")).get().extracting(ObjectInfo::size).isEqualTo(15L);
            assertThat(writer.read("objects/ab/abc", 2, 5).readAllBytes()).isEqualTo("small".getBytes(StandardCharsets.UTF_8));
            assertThat(repo.resolve("objects/ab/abc")).doesNotExist();
            assertThat(other.stat("objects/ab/abc")).as("not visible to others before the flush").isEmpty();
            assertThat(temporaries(repo)).hasSize(2);

            writer.flush();

            assertThat(other.stat("objects/ab/abc")).isPresent();
            assertThat(Files.readString(repo.resolve("trees/cd/cde"))).isEqualTo("a tree naming it");
            assertThat(temporaries(repo)).isEmpty();
        }
    }

    @Test
    void aRunThatStoresNothingNewNeverOpensTheSync() throws Exception {
        Path repo = tmp.resolve("repo");
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        try (LocalTarget t = LocalTarget.open(repo, true, 8, root -> {
            opened.incrementAndGet();
            return FileSystemSync.open(root);
        }, LARGE)) {
            byte[] snapshot = "a snapshot".getBytes(StandardCharsets.UTF_8);
            t.write("snapshots/s.json", ContentSource.ofBytes(snapshot), WriteOptions.createIfAbsent(Checksums.none()));
            t.stat("objects/ab/abc");
            t.flush();
            assertThat(opened).as("loading the native sync costs about 0.1 s: only a new object pays it").hasValue(0);
            putGrouped(t, "objects/ab/abc", "new");
            putGrouped(t, "objects/cd/cde", "newer");
            t.flush();
            assertThat(opened).hasValue(1);
            assertThat(repo.resolve("objects/ab/abc")).hasContent("new");
        }
    }

    @Test
    void aFullBatchIsNamedWithoutWaitingForTheFlush() throws Exception {
        Path repo = tmp.resolve("repo");
        try (LocalTarget t = open(repo, new GroupCommit.Limits(3, 1L << 30, Duration.ofHours(1)))) {
            putGrouped(t, "objects/01/a", "one");
            putGrouped(t, "objects/02/b", "two");
            assertThat(repo.resolve("objects/01/a")).doesNotExist();
            putGrouped(t, "objects/03/c", "three");
            assertThat(repo.resolve("objects/01/a")).hasContent("one");
            assertThat(repo.resolve("objects/03/c")).hasContent("three");
            putGrouped(t, "objects/04/d", "four");
            assertThat(repo.resolve("objects/04/d")).doesNotExist();
        }
        assertThat(repo.resolve("objects/04/d")).as("close commits what no flush did").hasContent("four");
        assertThat(temporaries(repo)).isEmpty();
    }

    @Test
    void aFailedSyncNamesNothingAndFailsEveryLaterWriteAndFlush() throws Exception {
        Path repo = tmp.resolve("repo");
        FileSystemSync broken = mock(FileSystemSync.class);
        doThrow(new IOException("syncfs of the file system failed (errno 5, an I/O error)")).when(broken).sync();
        try (LocalTarget t = LocalTarget.open(repo, true, 8, root -> Optional.of(broken), LARGE)) {
            putGrouped(t, "objects/ab/abc", "written, never durable");
            assertThatThrownBy(t::flush).isInstanceOf(StorageException.class).hasMessageContaining("errno 5");
            assertThat(repo.resolve("objects/ab/abc")).doesNotExist();
            assertThatThrownBy(() -> putGrouped(t, "objects/cd/cde", "later"))
                    .isInstanceOf(StorageException.class).hasMessageContaining("an earlier commit");
            assertThatThrownBy(t::flush).isInstanceOf(StorageException.class).hasMessageContaining("an earlier commit");
        }
        assertThat(repo.resolve("objects/ab/abc")).as("not named at close either").doesNotExist();
        assertThat(temporaries(repo)).isEmpty();
    }

    @Test
    void aKilledRunsBatchIsNeverSeenAndPruneRemovesIt() throws Exception {
        Path repo = tmp.resolve("repo");
        LocalTarget killed = open(repo, LARGE);
        putGrouped(killed, "objects/ab/abc", "cut off by SIGKILL");
        putGrouped(killed, "objects/cd/cde", "cut off too");
        // the process dies here: no flush, no close
        try (LocalTarget next = open(repo, LARGE)) {
            assertThat(next.stat("objects/ab/abc")).isEmpty();
            assertThat(next.list("", Optional.empty(), 100).objects()).isEmpty();
            putGrouped(next, "objects/ab/abc", "cut off by SIGKILL");
            next.flush();
            assertThat(temporaries(repo)).hasSize(2);
            assertThat(next.removeInterruptedUploads()).isEqualTo("cut off by SIGKILL".length() + "cut off too".length());
            assertThat(temporaries(repo)).isEmpty();
            assertThat(repo.resolve("objects/ab/abc")).hasContent("cut off by SIGKILL");
        }
    }

    @Test
    void pruneKeepsTheTemporaryFilesOfItsOwnPendingObjects() throws Exception {
        Path repo = tmp.resolve("repo");
        try (LocalTarget t = open(repo, LARGE)) {
            putGrouped(t, "objects/ab/abc", "pending here");
            assertThat(t.removeInterruptedUploads()).isZero();
            t.flush();
            assertThat(repo.resolve("objects/ab/abc")).hasContent("pending here");
        }
    }
}
