package dev.heirloom.backup;

import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

/** Each phase of a backup on its own, with real in-memory repositories. */
class BackupPhasesTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final InMemoryTarget cloud = InMemoryTarget.withoutStaging();
    private final ExecutorService fanOut = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        fanOut.shutdownNow();
    }

    private RunContext context(boolean dryRun, int rehash, long smallFileLimit, InMemoryTarget... targets) {
        List<BackupEngine.Destination> destinations = new ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            destinations.add(new BackupEngine.Destination("t" + i, new Repository(targets[i])));
        }
        RunContext run = new RunContext(SourceSpec.of(tmp.resolve("src")), destinations,
                new BackupEngine.Options(2, smallFileLimit, dryRun, "host", Clock.systemUTC(), rehash), ProgressListener.NONE);
        run.fanOutPool = fanOut;
        return run;
    }

    private RunContext context(InMemoryTarget... targets) {
        return context(false, 0, 16 << 20, targets);
    }

    private SourceEntry file(String rel, String content) throws IOException {
        Path p = tmp.resolve("src").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new SourceEntry(p.getFileName().toString(), p, false, a.size(), a.lastModifiedTime().toInstant(),
                a.fileKey() == null ? null : a.fileKey().toString());
    }

    private static String sha(String s) {
        return MultiDigest.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static TreeEntry entryOf(SourceEntry f, String content) {
        return TreeEntry.file(f.name(), f.size(), f.mtime(), sha(content), "image/jpeg", f.fileKey());
    }

    @Nested
    class EntryCursors {
        private final Tree tree = Tree.of(List.of(TreeEntry.file("a.jpg", 1, Instant.EPOCH, sha("a"), null, null),
                TreeEntry.file("c.jpg", 1, Instant.EPOCH, sha("c"), null, null),
                TreeEntry.file("e.jpg", 1, Instant.EPOCH, sha("e"), null, null)));

        @Test
        void namesAskedInOrderAreFoundAndGapsAreNull() {
            EntryCursor cursor = new EntryCursor(tree);
            assertThat(cursor.find("a.jpg").name()).isEqualTo("a.jpg");
            assertThat(cursor.find("b.jpg")).isNull();
            assertThat(cursor.find("c.jpg").name()).isEqualTo("c.jpg");
            assertThat(cursor.find("z.jpg")).isNull();
        }

        @Test
        void aNameAskedOutOfOrderIsStillFound() {
            EntryCursor cursor = new EntryCursor(tree);
            assertThat(cursor.find("e.jpg")).isNotNull();
            assertThat(cursor.find("a.jpg").name()).isEqualTo("a.jpg");
        }

        @Test
        void noTreeFindsNothing() {
            assertThat(new EntryCursor(null).find("a.jpg")).isNull();
        }
    }

    @Nested
    class ChangeDetections {
        @Test
        void aTrustedFileThatChangesWhileProvedForAnEncryptedTargetIsStoredAsChangedNotAsBitRot() throws IOException {
            Repository encrypted = new Repository(new InMemoryTarget(), "cloud",
                    dev.heirloom.repository.Encryption.passphrase("phases passphrase"));
            encrypted.initialize(Clock.systemUTC());
            RunContext run = new RunContext(SourceSpec.of(tmp.resolve("src")),
                    List.of(new BackupEngine.Destination("cloud", encrypted)),
                    new BackupEngine.Options(2, 1024, false, "host", Clock.systemUTC(), 0), ProgressListener.NONE);
            run.fanOutPool = fanOut;
            String before = "x".repeat(5000);
            String after = "y".repeat(5000);
            SourceEntry listed = file("clip.mp4", before);
            TreeEntry recorded = TreeEntry.file(listed.name(), listed.size(), listed.mtime(), Checksums.sha256(sha(before)),
                    "video/mp4", listed.fileKey());
            // rewritten after the walk listed it: other bytes of the same size, a later mtime
            Files.writeString(listed.path(), after);
            Files.setLastModifiedTime(listed.path(), java.nio.file.attribute.FileTime.from(listed.mtime().plusSeconds(10)));
            SourceReader reader = new SourceReader(run);
            ObjectWrites writes = new ObjectWrites(run);
            BitRotCheck bitRot = new BitRotCheck(run, reader, writes);
            ChangeDetection changes = new ChangeDetection(run, bitRot);
            assertThat(changes.trusts(recorded, listed)).isTrue();

            TreeEntry entry = new FileBackup(run, changes, reader, new Staging(run, reader), writes, bitRot)
                    .backUp(listed, "clip.mp4", "video/mp4", recorded, new TreeEntry[] {null});

            assertThat(entry.content()).isEqualTo(sha(after));
            assertThat(run.suspects).as("a file that changed under its mtime is no bit rot").isEmpty();
            assertThat(encrypted.objects().stat(sha(after))).isPresent();
        }

        @Test
        void sameSizeMtimeAndKeyIsTrustedAnythingElseIsNot() throws IOException {
            RunContext run = context(usb);
            ChangeDetection changes = new ChangeDetection(run, new BitRotCheck(run, new SourceReader(run), new ObjectWrites(run)));
            SourceEntry f = file("a.jpg", "photo");
            MultiDigest d = new MultiDigest(run.extraChecksums);
            d.update("photo".getBytes(StandardCharsets.UTF_8), 0, 5);
            TreeEntry ref = TreeEntry.file(f.name(), f.size(), f.mtime(), d.finish(), "image/jpeg", f.fileKey());
            assertThat(changes.trusts(ref, f)).isTrue();
            assertThat(changes.trusts(null, f)).isFalse();
            assertThat(changes.trusts(TreeEntry.file(f.name(), f.size(), f.mtime().plusSeconds(1), d.finish(), null,
                    f.fileKey()), f)).as("mtime moved").isFalse();
            assertThat(changes.trusts(TreeEntry.file(f.name(), f.size() + 1, f.mtime(), d.finish(), null, f.fileKey()), f))
                    .as("size changed").isFalse();
            assertThat(changes.trusts(TreeEntry.file(f.name(), f.size(), f.mtime(), d.finish(), null, "other-inode"), f))
                    .as("another file put in its place").isFalse();
            assertThat(changes.trusts(entryOf(f, "photo"), f)).as("MD5 and CRC-32C wanted by the target, not recorded")
                    .isFalse();
        }

        @Test
        void unchangedEverywhereOnlyWhenEveryLiveLaneHoldsIt() throws IOException {
            RunContext run = context(usb, cloud);
            ChangeDetection changes = new ChangeDetection(run, new BitRotCheck(run, new SourceReader(run), new ObjectWrites(run)));
            SourceEntry f = file("a.jpg", "photo");
            MultiDigest d = new MultiDigest(run.extraChecksums);
            d.update("photo".getBytes(StandardCharsets.UTF_8), 0, 5);
            TreeEntry ref = TreeEntry.file(f.name(), f.size(), f.mtime(), d.finish(), "image/jpeg", f.fileKey());
            assertThat(changes.unchangedEverywhere(f, "a.jpg", "image/jpeg", ref, new TreeEntry[] {ref, null}))
                    .as("the cloud lacks it").isNull();
            assertThat(changes.unchangedEverywhere(f, "a.jpg", "image/jpeg", ref, new TreeEntry[] {ref, ref})).isEqualTo(ref);
            run.lanes.get(1).fail(new StorageException("cloud down"));
            assertThat(changes.unchangedEverywhere(f, "a.jpg", "image/jpeg", ref, new TreeEntry[] {ref, null}))
                    .as("a failed lane does not count").isEqualTo(ref);
        }
    }

    @Nested
    class TreeWrites {
        @Test
        void aTreeIsStoredOnLanesThatLackItAndCountedInADryRun() {
            RunContext run = context(usb, cloud);
            List<TreeEntry> entries = List.of(TreeEntry.file("a.jpg", 1, Instant.EPOCH, sha("a"), null, null));
            String hash = MultiDigest.sha256Hex(CanonicalJson.write(Tree.of(entries)));
            String written = new TreeWriter(run).write(entries, null, null, new String[] {hash, null});
            assertThat(written).isEqualTo(hash);
            assertThat(usb.stat(RepositoryLayout.treeKey(hash))).as("its snapshot has it: no request").isEmpty();
            assertThat(cloud.stat(RepositoryLayout.treeKey(hash))).isPresent();
            assertThat(run.lanes.get(1).treesWritten.get()).isOne();

            RunContext dry = context(true, 0, 16 << 20, new InMemoryTarget());
            new TreeWriter(dry).write(entries, null, null, new String[] {null});
            assertThat(dry.lanes.get(0).treesWritten.get()).isOne();
        }

        @Test
        void anUnchangedFolderKeepsItsHashWithoutEncoding() {
            RunContext run = context(usb);
            List<TreeEntry> entries = List.of(TreeEntry.file("a.jpg", 1, Instant.EPOCH, sha("a"), null, null));
            Tree ref = Tree.of(entries);
            String claimed = "f".repeat(64); // not the real hash: proves it was taken, not computed
            assertThat(new TreeWriter(run).write(entries, claimed, ref, new String[] {claimed})).isEqualTo(claimed);
            assertThat(usb.writeCount()).isZero();
        }
    }

    @Nested
    class SourceReads {
        @Test
        void contentReadOnceForStagingHashesTheBytesAProviderSkipsToo() throws IOException {
            String content = "0123456789".repeat(1000);
            SourceEntry f = file("v.mp4", content);
            MultiDigest digest = MultiDigest.sha256Only();
            long[] counted = {0};
            HashingFileSource source = new HashingFileSource(f.path(), f.size(),
                    new dev.heirloom.repository.PrefixHashes.Recorder(digest), n -> counted[0] += n);
            try (java.io.InputStream in = source.open()) {
                assertThat(in.skip(1234)).isEqualTo(1234);
                assertThat(in.read()).isEqualTo(content.charAt(1234));
                in.readAllBytes();
            }
            assertThat(digest.finish().get(ChecksumAlgorithm.SHA256)).contains(sha(content));
            assertThat(counted[0]).isEqualTo(content.length());
        }

        @Test
        void aSmallFileIsHashedInMemoryAndALargeOneStreamed() throws IOException {
            RunContext run = context(false, 0, 10, usb);
            SourceReader reader = new SourceReader(run);
            SourceEntry small = file("s.jpg", "tiny");
            try (SourceReader.Hashed h = reader.hash(small)) {
                assertThat(h.inMemory()).isTrue();
                assertThat(h.sums.get(ChecksumAlgorithm.SHA256)).contains(sha("tiny"));
                assertThat(h.content().open().readAllBytes()).isEqualTo("tiny".getBytes(StandardCharsets.UTF_8));
            }
            SourceEntry large = file("l.jpg", "larger than ten bytes");
            try (SourceReader.Hashed h = reader.hash(large)) {
                assertThat(h.inMemory()).isFalse();
                assertThat(h.sums.get(ChecksumAlgorithm.SHA256)).contains(sha("larger than ten bytes"));
            }
            assertThat(run.filesRead.get()).isEqualTo(2);
            assertThat(run.bytesRead.get()).isEqualTo(4 + 21);
        }

        @Test
        void aFileThatChangedSinceItWasListedYieldsNothing() throws IOException {
            RunContext run = context(usb);
            SourceEntry listed = file("a.jpg", "before");
            Files.writeString(listed.path(), "after, longer");
            assertThat(new SourceReader(run).hash(listed)).isNull();
        }
    }

    @Nested
    class ObjectStores {
        @Test
        void contentGoesToEachLaneOnceAndAPresentObjectIsNotWrittenAgain() {
            RunContext run = context(usb, cloud);
            ObjectWrites writes = new ObjectWrites(run);
            byte[] b = "photo".getBytes(StandardCharsets.UTF_8);
            boolean mismatch = writes.storeEach(ContentSource.ofBytes(b), sha("photo"), Checksums.sha256(sha("photo")),
                    Optional.empty(), run.lanes, false);
            assertThat(mismatch).isFalse();
            assertThat(usb.stat(RepositoryLayout.objectKey(sha("photo")))).isPresent();
            assertThat(cloud.stat(RepositoryLayout.objectKey(sha("photo")))).isPresent();
            long before = usb.writeCount();
            writes.storeEach(ContentSource.ofBytes(b), sha("photo"), Checksums.sha256(sha("photo")), Optional.empty(), List.of(run.lanes.get(0)), false);
            assertThat(usb.writeCount()).isEqualTo(before);
            assertThat(run.lanes.get(0).objectsPresent.get()).isOne();
        }

        @Test
        void contentThatIsNotWhatItsHashSaysIsAMismatchNotAFailure() {
            RunContext run = context(usb);
            boolean mismatch = new ObjectWrites(run).storeEach(ContentSource.ofBytes("changed".getBytes(StandardCharsets.UTF_8)),
                    sha("photo"), Checksums.sha256(sha("photo")), Optional.empty(), run.lanes, false);
            assertThat(mismatch).isTrue();
            assertThat(run.lanes.get(0).alive()).isTrue();
        }

        @Test
        void aFailingTargetIsDroppedAndTheOthersGetTheirCopy() {
            InMemoryTarget broken = spy(new InMemoryTarget());
            doThrow(new StorageException("disk full")).when(broken).write(anyString(), any(), any());
            RunContext run = context(broken, cloud);
            new ObjectWrites(run).storeEach(ContentSource.ofBytes("photo".getBytes(StandardCharsets.UTF_8)), sha("photo"),
                    Checksums.sha256(sha("photo")), Optional.empty(), run.lanes, false);
            assertThat(run.lanes.get(0).alive()).isFalse();
            assertThat(cloud.stat(RepositoryLayout.objectKey(sha("photo")))).isPresent();
        }
    }

    @Nested
    class Stagings {
        @Test
        void onlyLargeFilesGoToTargetsThatStageAndLackAFileOfThatSize() throws IOException {
            RunContext run = context(false, 0, 4, usb, cloud);
            Staging staging = new Staging(run, new SourceReader(run));
            SourceEntry big = file("v.mp4", "a video of some bytes");
            assertThat(staging.stagers(big, new TreeEntry[2])).extracting(l -> l.name).containsExactly("t0");
            TreeEntry sameSize = TreeEntry.file("v.mp4", big.size(), Instant.EPOCH, sha("x"), null, null);
            assertThat(staging.stagers(big, new TreeEntry[] {sameSize, null})).as("probably the same content: hash first")
                    .isEmpty();
            assertThat(staging.stagers(file("s.jpg", "abc"), new TreeEntry[2])).as("small: in memory").isEmpty();
        }

        @Test
        void aStagedFileIsPublishedUnderItsHash() throws IOException {
            RunContext run = context(false, 0, 4, usb);
            Staging staging = new Staging(run, new SourceReader(run));
            SourceEntry big = file("v.mp4", "a video of some bytes");
            try (Staging.Staged staged = staging.stage(big, "v.mp4", run.lanes)) {
                String hash = staged.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
                assertThat(hash).isEqualTo(sha("a video of some bytes"));
                assertThat(staged.publish(hash, run.lanes)).isEmpty();
            }
            assertThat(usb.stat(RepositoryLayout.objectKey(sha("a video of some bytes")))).isPresent();
            assertThat(run.filesRead.get()).as("read once").isOne();
        }
    }

    @Nested
    class BitRotChecks {
        @Test
        void theShareDueFollowsThePercent() {
            assertThat(new BitRotCheck(context(false, 0, 16, usb), null, null).due("a.jpg")).isFalse();
            assertThat(new BitRotCheck(context(false, 100, 16, usb), null, null).due("a.jpg")).isTrue();
        }

        @Test
        void sameBytesKeepTheEntryDifferentBytesAreStoredAsSuspect() throws IOException {
            RunContext run = context(false, 100, 16 << 20, usb);
            SourceReader reader = new SourceReader(run);
            BitRotCheck check = new BitRotCheck(run, reader, new ObjectWrites(run));
            SourceEntry f = file("a.jpg", "good");
            TreeEntry ref = entryOf(f, "good");
            assertThat(check.recheck(f, "a.jpg", ref, new TreeEntry[] {ref}).suspect()).isNull();

            TreeEntry rotten = TreeEntry.file(f.name(), f.size(), f.mtime(), sha("gold"), "image/jpeg", f.fileKey());
            assertThat(check.recheck(f, "a.jpg", rotten, new TreeEntry[] {rotten}).suspect()).isEqualTo(sha("good"));
            assertThat(usb.stat(RepositoryLayout.objectKey(sha("good")))).as("the suspect bytes are kept").isPresent();
            assertThat(run.suspects).singleElement().satisfies(s -> assertThat(s.good()).isEqualTo(sha("gold")));
        }
    }

    @Test
    void aFailureIsDescribedByItsOwnMessageWhenItIsAStorageError() {
        assertThat(RunContext.describe(new IOException("boom"))).isEqualTo("IOException: boom");
        assertThat(RunContext.describe(new StorageException("target said no"))).isEqualTo("target said no");
    }
}
