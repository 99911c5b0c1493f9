package dev.heirloom.tck;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every {@link StorageTarget} must meet, one {@link Nested} suite per operation.
 * Extend it, return a new empty target from {@link #newTarget()} (a fresh prefix or container per
 * call is fine) and run it like any JUnit 5 test. Nothing is skipped: a provider that cannot meet a
 * rule fails it.
 */
public abstract class StorageTargetContract {

    /** A new, empty target for one test. Closed by the kit after the test. */
    protected abstract StorageTarget newTarget() throws Exception;

    /** Size of the large-object test; override to shorten slow backends (at least 3 MiB). */
    protected int largeObjectSize() {
        return 9 * 1024 * 1024 + 17;
    }

    protected StorageTarget target;

    @BeforeEach
    void openTarget() throws Exception {
        target = newTarget();
    }

    @AfterEach
    void closeTarget() {
        if (target != null) {
            target.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static Checksums checksumsOf(byte[] content) {
        MultiDigest d = new MultiDigest(EnumSet.allOf(ChecksumAlgorithm.class));
        d.update(content, 0, content.length);
        return d.finish();
    }

    protected ObjectInfo put(String key, byte[] content) {
        return target.write(key, ContentSource.ofBytes(content), WriteOptions.replace(checksumsOf(content)));
    }

    protected byte[] get(String key) {
        return readRange(key, 0, -1);
    }

    protected byte[] readRange(String key, long offset, long length) {
        try (InputStream in = target.read(key, offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected List<String> listAll(String prefix, int pageSize) {
        List<String> keys = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            ListPage page = target.list(prefix, token, pageSize);
            assertThat(page.objects().size()).as("page size").isLessThanOrEqualTo(pageSize);
            page.objects().forEach(o -> keys.add(o.key()));
            token = page.nextPageToken();
            assertThat(++pages).as("listing must end").isLessThan(100_000);
        } while (token.isPresent());
        return keys;
    }

    /** Content that declares another size than the bytes it yields, as a file changing while read would. */
    protected static ContentSource declaringSize(byte[] content, long declared) {
        return new ContentSource() {
            @Override
            public long size() {
                return declared;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(content);
            }
        };
    }

    /** Content whose stream fails after some bytes, as a source disk failing mid-read would. */
    protected static ContentSource failingAfter(byte[] content, int goodBytes) {
        return new ContentSource() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    int pos;

                    @Override
                    public int read() throws IOException {
                        if (pos >= goodBytes) {
                            throw new IOException("simulated read failure");
                        }
                        return content[pos++] & 0xff;
                    }
                };
            }
        };
    }

    // ---- suites ---------------------------------------------------------------------------

    /**
     * {@link StorageTarget#stage}: for a target that declares {@link Capabilities#staging()}, the
     * staged bytes are invisible until published and gone when discarded; for one that does not,
     * staging is refused.
     */
    @Nested
    class Stage {
        private StagedObject stage(String name, ContentSource content) {
            return target.stage(name, content);
        }

        /** Whether the target stages; when it does not, checks that it refuses to, leaving nothing. */
        private boolean stagingDeclared() {
            if (target.capabilities().staging()) {
                return true;
            }
            assertThatThrownBy(() -> stage("tck-undeclared", ContentSource.ofBytes(bytes("x"))))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(listAll("", 1000)).isEmpty();
            return false;
        }

        @Test
        void stagedBytesAreInvisibleUntilPublishedThenWhole() {
            if (!stagingDeclared()) {
                return;
            }
            byte[] content = random(300_000, 21);
            int[] opens = {0};
            ContentSource counted = new ContentSource() {
                @Override
                public long size() {
                    return content.length;
                }

                @Override
                public InputStream open() {
                    opens[0]++;
                    return new java.io.ByteArrayInputStream(content);
                }
            };
            try (StagedObject staged = stage("tck-publish", counted)) {
                assertThat(opens[0]).as("the content is read once").isEqualTo(1);
                assertThat(listAll("", 1000)).as("nothing listed while staged").isEmpty();
                assertThat(target.stat("objects/ab/staged")).isEmpty();
                ObjectInfo info = staged.publish("objects/ab/staged", WriteOptions.createIfAbsent(checksumsOf(content)));
                assertThat(info.size()).isEqualTo(content.length);
            }
            assertThat(get("objects/ab/staged")).isEqualTo(content);
            assertThat(listAll("", 1000)).containsExactly("objects/ab/staged");
        }

        @Test
        void discardedBytesLeaveNothing() {
            if (!stagingDeclared()) {
                return;
            }
            try (StagedObject staged = stage("tck-discard", ContentSource.ofBytes(random(100_000, 22)))) {
                assertThat(staged.size()).isEqualTo(100_000);
            }
            assertThat(listAll("", 1000)).isEmpty();
        }

        @Test
        void publishingIfAbsentOverAnObjectFailsAndKeepsIt() {
            if (!stagingDeclared()) {
                return;
            }
            byte[] old = bytes("the first one");
            put("objects/cd/taken", old);
            byte[] content = random(50_000, 23);
            try (StagedObject staged = stage("tck-taken", ContentSource.ofBytes(content))) {
                assertThatThrownBy(() -> staged.publish("objects/cd/taken", WriteOptions.createIfAbsent(checksumsOf(content))))
                        .isInstanceOf(ObjectExistsException.class);
            }
            assertThat(get("objects/cd/taken")).isEqualTo(old);
            assertThat(listAll("", 1000)).containsExactly("objects/cd/taken");
        }

        @Test
        void aReplacingPublishSwapsTheWholeContent() {
            if (!stagingDeclared()) {
                return;
            }
            put("index/current", bytes("old"));
            byte[] content = random(70_000, 24);
            try (StagedObject staged = stage("tck-replace", ContentSource.ofBytes(content))) {
                staged.publish("index/current", WriteOptions.replace(checksumsOf(content)));
            }
            assertThat(get("index/current")).isEqualTo(content);
        }

        /**
         * What a killed run left staged (neither published nor closed) is removed by
         * removeInterruptedUploads, which touches nothing listed. A target that says it freed bytes
         * must have removed the staged content: publishing it then fails.
         */
        @Test
        void anUploadAKilledRunLeftStagedIsRemovedAndNothingListedIsTouched() {
            put("objects/ef/kept", bytes("a published object"));
            if (!target.capabilities().staging()) {
                assertThat(target.removeInterruptedUploads()).isNotNegative();
                assertThat(get("objects/ef/kept")).isEqualTo(bytes("a published object"));
                return;
            }
            byte[] content = random(200_000, 26);
            StagedObject abandoned = stage("tck-abandoned", ContentSource.ofBytes(content));
            // the run is killed here: neither publish nor close
            long freed = target.removeInterruptedUploads();
            assertThat(freed).isNotNegative();
            assertThat(listAll("", 1000)).containsExactly("objects/ef/kept");
            assertThat(get("objects/ef/kept")).isEqualTo(bytes("a published object"));
            if (freed > 0) {
                assertThatThrownBy(() -> abandoned.publish("objects/ef/late", WriteOptions.createIfAbsent(checksumsOf(content))))
                        .as("the staged content is gone").isInstanceOf(StorageException.class);
                assertThat(target.stat("objects/ef/late")).isEmpty();
            }
            abandoned.close();
        }

        @Test
        void contentOfTheWrongLengthIsNotStaged() {
            if (!stagingDeclared()) {
                return;
            }
            byte[] content = bytes("twelve bytes");
            ContentSource liar = declaringSize(content, content.length + 5);
            assertThatThrownBy(() -> stage("tck-short", liar)).isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> stage("tck-broken", failingAfter(random(200_000, 25), 100_000)))
                    .isInstanceOf(StorageException.class);
            assertThat(listAll("", 1000)).isEmpty();
        }
    }

    @Nested
    class Write {
        @Test
        void storesAndReadsBack() {
            byte[] content = bytes("hello, heirloom");
            ObjectInfo info = put("a/b/c.txt", content);
            assertThat(info.key()).isEqualTo("a/b/c.txt");
            assertThat(info.size()).isEqualTo(content.length);
            assertThat(get("a/b/c.txt")).isEqualTo(content);
        }

        @Test
        void storesAnEmptyObject() {
            put("empty", new byte[0]);
            assertThat(target.stat("empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);
            assertThat(get("empty")).isEmpty();
        }

        @Test
        void storesALargeObjectIntact() {
            byte[] content = random(largeObjectSize(), 1);
            put("big/object.bin", content);
            assertThat(target.stat("big/object.bin")).get().extracting(ObjectInfo::size).isEqualTo((long) content.length);
            assertThat(MultiDigest.sha256Hex(get("big/object.bin"))).isEqualTo(MultiDigest.sha256Hex(content));
        }

        @Test
        void replaceSwapsTheWholeContent() {
            put("k", bytes("first version, longer"));
            put("k", bytes("second"));
            assertThat(get("k")).isEqualTo(bytes("second"));
        }

        @Test
        void ifAbsentRefusesAnExistingObjectAndKeepsIt() {
            put("k", bytes("original"));
            assertThatThrownBy(() -> target.write("k", ContentSource.ofBytes(bytes("intruder")),
                    WriteOptions.createIfAbsent(checksumsOf(bytes("intruder")))))
                    .isInstanceOf(ObjectExistsException.class);
            assertThat(get("k")).isEqualTo(bytes("original"));
        }

        @Test
        void ifAbsentCreatesAMissingObject() {
            target.write("new", ContentSource.ofBytes(bytes("x")), WriteOptions.createIfAbsent(Checksums.none()));
            assertThat(get("new")).isEqualTo(bytes("x"));
        }

        @Test
        void wrongSha256FailsAndLeavesNothing() {
            byte[] content = bytes("real content");
            Checksums wrong = Checksums.sha256(MultiDigest.sha256Hex(bytes("other content")));
            assertThatThrownBy(() -> target.write("bad", ContentSource.ofBytes(content), WriteOptions.createIfAbsent(wrong)))
                    .isInstanceOf(ChecksumMismatchException.class);
            assertThat(target.stat("bad")).isEmpty();
            assertThat(listAll("", 1000)).doesNotContain("bad");
        }

        @Test
        void wrongSha256OnReplaceKeepsTheOldContent() {
            put("k", bytes("good"));
            Checksums wrong = Checksums.sha256(MultiDigest.sha256Hex(bytes("nope")));
            assertThatThrownBy(() -> target.write("k", ContentSource.ofBytes(bytes("evil")), WriteOptions.replace(wrong)))
                    .isInstanceOf(ChecksumMismatchException.class);
            assertThat(get("k")).isEqualTo(bytes("good"));
        }

        @Test
        void everyExpectedChecksumIsVerified() {
            byte[] content = bytes("content");
            for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
                Checksums good = checksumsOf(content);
                Checksums wrong = good.with(algorithm, checksumsOf(bytes("different")).get(algorithm).orElseThrow());
                String key = "bad-" + algorithm.name().toLowerCase();
                assertThatThrownBy(() -> target.write(key, ContentSource.ofBytes(content), WriteOptions.createIfAbsent(wrong)))
                        .as(algorithm.name()).isInstanceOf(ChecksumMismatchException.class);
                assertThat(target.stat(key)).as(algorithm.name()).isEmpty();
            }
        }

        @Test
        void inMemoryContentWithItsOwnChecksumsIsStored() {
            byte[] content = random(100_000, 11);
            Checksums sums = checksumsOf(content);
            target.write("known", ContentSource.ofBytes(content, sums), WriteOptions.createIfAbsent(sums));
            assertThat(get("known")).isEqualTo(content);
        }

        @Test
        void vouchedChecksumsThatContradictTheExpectedOnesFail() {
            byte[] content = bytes("photo");
            Checksums vouched = checksumsOf(content);
            Checksums expected = checksumsOf(bytes("another photo"));
            assertThatThrownBy(() -> target.write("contradiction", ContentSource.ofBytes(content, vouched),
                    WriteOptions.createIfAbsent(expected))).isInstanceOf(ChecksumMismatchException.class);
            assertThat(target.stat("contradiction")).isEmpty();
        }

        @Test
        void contentShorterThanDeclaredFailsAndLeavesNothing() {
            byte[] content = bytes("twelve bytes");
            ContentSource liar = declaringSize(content, content.length + 5);
            assertThatThrownBy(() -> target.write("short", liar, WriteOptions.createIfAbsent(Checksums.none())))
                    .isInstanceOf(ChecksumMismatchException.class);
            assertThat(target.stat("short")).isEmpty();
        }

        @Test
        void contentLongerThanDeclaredFailsAndLeavesNothing() {
            byte[] content = bytes("twelve bytes");
            ContentSource liar = declaringSize(content, content.length - 3);
            assertThatThrownBy(() -> target.write("long", liar, WriteOptions.createIfAbsent(Checksums.none())))
                    .isInstanceOf(ChecksumMismatchException.class);
            assertThat(target.stat("long")).isEmpty();
        }

        @Test
        void aFailingSourceStreamLeavesNothingVisible() {
            byte[] content = random(200_000, 2);
            assertThatThrownBy(() -> target.write("broken", failingAfter(content, 100_000),
                    WriteOptions.createIfAbsent(Checksums.none())))
                    .isInstanceOf(StorageException.class);
            assertThat(target.stat("broken")).isEmpty();
            assertThat(listAll("", 1000)).isEmpty();
        }

        @Test
        void returnsWhatStatReports() {
            ObjectInfo written = put("s/t", bytes("12345"));
            ObjectInfo stat = target.stat("s/t").orElseThrow();
            assertThat(stat.size()).isEqualTo(written.size()).isEqualTo(5);
        }
    }

    @Nested
    class Read {
        @Test
        void readsARange() {
            put("r", bytes("0123456789"));
            assertThat(readRange("r", 3, 4)).isEqualTo(bytes("3456"));
        }

        @Test
        void readsFromAnOffsetToTheEnd() {
            put("r", bytes("0123456789"));
            assertThat(readRange("r", 7, -1)).isEqualTo(bytes("789"));
        }

        @Test
        void aRangePastTheEndIsCutShort() {
            put("r", bytes("0123456789"));
            assertThat(readRange("r", 8, 100)).isEqualTo(bytes("89"));
        }

        @Test
        void anOffsetAtTheEndYieldsNothing() {
            put("r", bytes("0123456789"));
            assertThat(readRange("r", 10, -1)).isEmpty();
        }

        @Test
        void aRangeInsideALargeObject() {
            byte[] content = random(largeObjectSize(), 3);
            put("big", content);
            int offset = content.length / 2 + 11;
            byte[] expected = java.util.Arrays.copyOfRange(content, offset, offset + 70_000);
            assertThat(readRange("big", offset, 70_000)).isEqualTo(expected);
        }

        @Test
        void rangesOfASmallObjectOfSomeMegabytes() {
            // a photo-sized object: ranged reads must give exactly the range, from the start, the middle and the end
            byte[] content = random(3 * 1024 * 1024 + 17, 5);
            put("photo", content);
            assertThat(readRange("photo", 0, 1024)).isEqualTo(java.util.Arrays.copyOfRange(content, 0, 1024));
            assertThat(readRange("photo", 1 << 20, 4096))
                    .isEqualTo(java.util.Arrays.copyOfRange(content, 1 << 20, (1 << 20) + 4096));
            assertThat(readRange("photo", content.length - 10, 100))
                    .isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 10, content.length));
            assertThat(readRange("photo", 0, -1)).isEqualTo(content);
        }

        @Test
        void aOneByteRange() {
            put("r", bytes("0123456789"));
            assertThat(readRange("r", 9, 1)).isEqualTo(bytes("9"));
            assertThat(readRange("r", 0, 1)).isEqualTo(bytes("0"));
        }

        @Test
        void aMissingObjectIsNotFound() {
            assertThatThrownBy(() -> target.read("missing", 0, -1)).isInstanceOf(ObjectNotFoundException.class);
        }
    }

    @Nested
    class Stat {
        @Test
        void aMissingObjectIsEmptyNotAnError() {
            assertThat(target.stat("nothing/here")).isEmpty();
        }

        @Test
        void aPresentObjectHasItsSize() {
            put("x/y", bytes("abc"));
            assertThat(target.stat("x/y")).get().extracting(ObjectInfo::size).isEqualTo(3L);
        }

        @Test
        void aFolderLikePrefixIsNotAnObject() {
            put("dir/file", bytes("abc"));
            assertThat(target.stat("dir")).isEmpty();
        }
    }

    @Nested
    class ServerChecksums {
        @Test
        void declaredChecksumsAreReportedAndCorrect() {
            byte[] content = random(300_000, 4);
            put("c", content);
            ObjectInfo info = target.stat("c").orElseThrow();
            Checksums ours = checksumsOf(content);
            for (ChecksumAlgorithm algorithm : target.capabilities().serverChecksums()) {
                assertThat(info.checksums().get(algorithm)).as(algorithm.name()).isEqualTo(ours.get(algorithm));
            }
            assertThat(ours.firstMismatch(info.checksums())).isEmpty();
        }
    }

    @Nested
    class Listing {
        @Test
        void listsEveryObjectUnderAPrefixOnce() {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 25; i++) {
                String key = "objects/" + String.format("%02x", i % 4) + "/obj-" + i;
                put(key, bytes("v" + i));
                expected.add(key);
            }
            put("trees/aa/t1", bytes("t"));
            put("objectsX", bytes("not under objects/"));
            List<String> listed = listAll("objects/", 4);
            assertThat(listed).doesNotHaveDuplicates();
            assertThat(new HashSet<>(listed)).isEqualTo(expected);
        }

        @Test
        void aPlainStringPrefixMatchesPartOfASegment() {
            put("snapshots/2026-a.json", bytes("1"));
            put("snapshots/2027-b.json", bytes("2"));
            put("snapshotsX/c", bytes("3"));
            assertThat(listAll("snapshots/2026", 10)).containsExactly("snapshots/2026-a.json");
            assertThat(listAll("snapshots", 10)).containsExactlyInAnyOrder("snapshots/2026-a.json",
                    "snapshots/2027-b.json", "snapshotsX/c");
        }

        @Test
        void pagesOfOneCoverEverything() {
            for (int i = 0; i < 7; i++) {
                put("p/" + i, bytes("x"));
            }
            assertThat(listAll("p/", 1)).containsExactlyInAnyOrder("p/0", "p/1", "p/2", "p/3", "p/4", "p/5", "p/6");
        }

        @Test
        void anEmptyTargetListsNothing() {
            assertThat(listAll("", 10)).isEmpty();
            assertThat(listAll("objects/", 10)).isEmpty();
        }

        @Test
        void listedSizesAreRight() {
            put("sz/a", bytes("12345"));
            ListPage page = target.list("sz/", Optional.empty(), 10);
            assertThat(page.objects()).singleElement().extracting(ObjectInfo::size).isEqualTo(5L);
        }
    }

    @Nested
    class Delete {
        @Test
        void removesAnObject() {
            put("d/x", bytes("x"));
            target.delete("d/x");
            assertThat(target.stat("d/x")).isEmpty();
            assertThat(listAll("d/", 10)).isEmpty();
        }

        @Test
        void isIdempotent() {
            target.delete("never/existed");
            put("once", bytes("1"));
            target.delete("once");
            target.delete("once");
            assertThat(target.stat("once")).isEmpty();
        }
    }

    @Nested
    class ConditionalCreate {
        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void racingIfAbsentWritersLeaveOneWholeWinner() throws Exception {
            int writers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = random(50_000 + i, 100 + i);
                contents.add(content);
                Callable<Boolean> task = () -> {
                    start.await();
                    try {
                        target.write("race", ContentSource.ofBytes(content), WriteOptions.createIfAbsent(checksumsOf(content)));
                        return true;
                    } catch (ObjectExistsException e) {
                        return false;
                    }
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            pool.shutdown();
            byte[] stored = get("race");
            assertThat(contents).anySatisfy(c -> assertThat(c).isEqualTo(stored));
            if (target.capabilities().conditionalCreate()) {
                assertThat(winners).as("exactly one if-absent writer wins").isEqualTo(1);
            } else {
                assertThat(winners).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Nested
    class Keys {
        @Test
        void unsafeKeysAreRefusedBeforeAnyIo() {
            for (String key : List.of("", "/abs", "a//b", "../x", "foo/../../baz", "a/./b", "a/", "back\\slash",
                    "nul\u0000x", "line\nbreak")) {
                assertThatThrownBy(() -> target.write(key, ContentSource.ofBytes(bytes("x")),
                        WriteOptions.replace(Checksums.none()))).as("write %s", key).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> target.stat(key)).as("stat %s", key).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> target.read(key, 0, -1)).as("read %s", key).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> target.delete(key)).as("delete %s", key).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(listAll("", 100)).isEmpty();
        }

        @Test
        void awkwardButValidKeysRoundTrip() {
            List<String> keys = List.of("photos/été/IMG 001 (copy).jpg", "name with spaces", "ünïcödé/日本語/写真.heic",
                    "dots.in.name/..hidden", "x/" + "long".repeat(50), "percent%20and+plus&amp;=?#");
            for (String key : keys) {
                put(key, bytes(key));
            }
            for (String key : keys) {
                assertThat(get(key)).as(key).isEqualTo(bytes(key));
            }
            assertThat(listAll("", 3)).containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Nested
    class Concurrency {
        @Test
        @Timeout(value = 120, unit = TimeUnit.SECONDS)
        void parallelWritesOfDifferentKeysAllLand() throws Exception {
            int threads = Math.min(16, Math.max(2, target.capabilities().maxConcurrency()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                futures.add(pool.submit(() -> put("par/" + n, random(10_000 + n, n))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            for (int i = 0; i < 64; i++) {
                assertThat(get("par/" + i)).isEqualTo(random(10_000 + i, i));
            }
            assertThat(listAll("par/", 10)).hasSize(64);
        }
    }

    /** What a target declares in {@link dev.heirloom.spi.Capabilities} is what it does. */
    @Nested
    class DeclaredCapabilities {
        @Test
        void capabilitiesAreAValueThatDoesNotChange() {
            assertThat(target.capabilities()).isEqualTo(target.capabilities());
            assertThat(target.capabilities().serverChecksums()).isNotNull();
        }

        @Test
        void hashingOnTheServerIsDoneWhenDeclaredAndRefusedOtherwise() {
            byte[] content = random(100_000, 31);
            put("objects/ab/hashed", content);
            if (target.capabilities().serverHashing()) {
                assertThat(target.hashOnServer("objects/ab/hashed").get(ChecksumAlgorithm.SHA256))
                        .isEqualTo(checksumsOf(content).get(ChecksumAlgorithm.SHA256));
                assertThatThrownBy(() -> target.hashOnServer("objects/ab/missing"))
                        .isInstanceOf(ObjectNotFoundException.class);
            } else {
                assertThatThrownBy(() -> target.hashOnServer("objects/ab/hashed"))
                        .isInstanceOf(UnsupportedOperationException.class);
            }
        }

        @Test
        void aDeclaredAtomicReplaceLeavesOneWholeVersion() throws Exception {
            byte[] first = random(200_000, 32);
            byte[] second = random(150_000, 33);
            put("swap", first);
            put("swap", second);
            assertThat(get("swap")).isEqualTo(second);
            assertThat(target.stat("swap").orElseThrow().size()).isEqualTo(second.length);
            if (target.capabilities().atomicReplace()) {
                // readers during a replace see one version or the other, never a mix
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<?> writer = pool.submit(() -> {
                        for (int i = 0; i < 5; i++) {
                            put("swap", i % 2 == 0 ? first : second);
                        }
                    });
                    while (!writer.isDone()) {
                        byte[] seen = get("swap");
                        assertThat(java.util.Arrays.equals(seen, first) || java.util.Arrays.equals(seen, second))
                                .as("a whole version").isTrue();
                    }
                    writer.get();
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /**
     * Object lock: what a target declaring {@link dev.heirloom.spi.Capabilities#objectLock()} enforces,
     * and that one not declaring it refuses a locked write rather than store it unprotected.
     */
    @Nested
    class ObjectLock {
        private final java.time.Instant inAnHour = java.time.Instant.now().plus(java.time.Duration.ofHours(1))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        private WriteOptions locked(byte[] content, java.time.Instant until) {
            return WriteOptions.createIfAbsent(checksumsOf(content)).withRetainUntil(until);
        }

        @Test
        void aLockedWriteIsEnforcedWhenDeclaredAndRefusedOtherwise() {
            byte[] content = random(5000, 41);
            if (!target.capabilities().objectLock()) {
                assertThatThrownBy(() -> target.write("objects/ab/locked", ContentSource.ofBytes(content),
                        locked(content, inAnHour))).isInstanceOf(UnsupportedOperationException.class);
                assertThat(target.stat("objects/ab/locked")).as("nothing stored unprotected").isEmpty();
                put("objects/ab/plain", content);
                assertThatThrownBy(() -> target.extendRetention("objects/ab/plain", inAnHour))
                        .isInstanceOf(UnsupportedOperationException.class);
                return;
            }
            ObjectInfo written = target.write("objects/ab/locked", ContentSource.ofBytes(content), locked(content, inAnHour));
            assertThat(written.retainUntil()).contains(inAnHour);
            assertThat(target.stat("objects/ab/locked").orElseThrow().retainUntil()).contains(inAnHour);
            assertThatThrownBy(() -> target.delete("objects/ab/locked")).isInstanceOf(dev.heirloom.spi.ObjectLockedException.class);
            byte[] other = random(5001, 42);
            assertThatThrownBy(() -> target.write("objects/ab/locked", ContentSource.ofBytes(other),
                    WriteOptions.replace(checksumsOf(other)))).isInstanceOf(dev.heirloom.spi.ObjectLockedException.class);
            assertThat(get("objects/ab/locked")).isEqualTo(content);
        }

        @Test
        void aStagedPublishIsLockedWhenDeclaredAndRefusedOtherwise() {
            if (!target.capabilities().staging()) {
                return;
            }
            byte[] content = random(70_000, 44);
            try (StagedObject staged = target.stage("locked-stage", ContentSource.ofBytes(content))) {
                if (!target.capabilities().objectLock()) {
                    assertThatThrownBy(() -> staged.publish("objects/cd/locked", locked(content, inAnHour)))
                            .isInstanceOf(UnsupportedOperationException.class);
                    assertThat(target.stat("objects/cd/locked")).isEmpty();
                    return;
                }
                staged.publish("objects/cd/locked", locked(content, inAnHour));
            }
            assertThat(target.stat("objects/cd/locked").orElseThrow().retainUntil()).contains(inAnHour);
            assertThatThrownBy(() -> target.delete("objects/cd/locked")).isInstanceOf(dev.heirloom.spi.ObjectLockedException.class);
        }

        @Test
        void aDeclaredLockMovesLaterAndNeverEarlier() {
            if (!target.capabilities().objectLock()) {
                assertThatThrownBy(() -> target.extendRetention("objects/ab/missing", inAnHour))
                        .isInstanceOf(UnsupportedOperationException.class);
                return;
            }
            byte[] content = random(3000, 43);
            target.write("snapshots/s", ContentSource.ofBytes(content), locked(content, inAnHour));
            java.time.Instant later = inAnHour.plus(java.time.Duration.ofHours(1));
            assertThat(target.extendRetention("snapshots/s", later).retainUntil()).contains(later);
            assertThat(target.extendRetention("snapshots/s", inAnHour).retainUntil()).as("never shortened").contains(later);
            assertThat(target.list("snapshots/", Optional.empty(), 10).objects()).singleElement()
                    .satisfies(o -> assertThat(o.retainUntil()).contains(later));
            assertThatThrownBy(() -> target.extendRetention("snapshots/missing", later))
                    .isInstanceOf(ObjectNotFoundException.class);
        }
    }

    /** Writes that the provider may commit together and publish as late as the next flush. */
    @Nested
    class GroupCommit {
        private ObjectInfo putGrouped(String key, byte[] content) {
            return target.write(key, ContentSource.ofBytes(content),
                    WriteOptions.createIfAbsent(checksumsOf(content)).withGroupCommit());
        }

        @Test
        void theWriterSeesItsObjectsAtOnceAndTheyAreListedAfterAFlush() {
            byte[] small = random(6_000, 31);
            byte[] larger = random(700_000, 32);
            ObjectInfo info = putGrouped("g/small", small);
            putGrouped("g/larger", larger);
            assertThat(info.size()).isEqualTo(small.length);
            assertThat(target.stat("g/small")).get().extracting(ObjectInfo::size).isEqualTo((long) small.length);
            assertThat(get("g/small")).isEqualTo(small);
            assertThat(readRange("g/larger", 500_000, 10)).isEqualTo(java.util.Arrays.copyOfRange(larger, 500_000, 500_010));
            target.flush();
            assertThat(listAll("g/", 10)).containsExactlyInAnyOrder("g/small", "g/larger");
            assertThat(MultiDigest.sha256Hex(get("g/larger"))).isEqualTo(MultiDigest.sha256Hex(larger));
        }

        @Test
        void aSecondWriteOfAKeyNotYetFlushedIsRefusedAndTheFirstKept() {
            putGrouped("g/k", bytes("first"));
            assertThatThrownBy(() -> putGrouped("g/k", bytes("second")))
                    .isInstanceOf(ObjectExistsException.class);
            target.flush();
            assertThat(get("g/k")).isEqualTo(bytes("first"));
        }

        @Test
        void contentThatIsNotWhatWasExpectedLeavesNothingAfterTheFlush() {
            byte[] content = bytes("grouped content");
            assertThatThrownBy(() -> target.write("g/bad", ContentSource.ofBytes(content),
                    WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(bytes("other")))).withGroupCommit()))
                    .isInstanceOf(ChecksumMismatchException.class);
            target.flush();
            assertThat(target.stat("g/bad")).isEmpty();
            assertThat(listAll("g/", 10)).isEmpty();
        }

        @Test
        void anObjectDeletedBeforeTheFlushStaysDeleted() {
            putGrouped("g/gone", bytes("short-lived"));
            putGrouped("g/kept", bytes("kept"));
            target.delete("g/gone");
            assertThat(target.stat("g/gone")).isEmpty();
            target.flush();
            assertThat(target.stat("g/gone")).isEmpty();
            assertThat(listAll("g/", 10)).containsExactly("g/kept");
        }

        @Test
        void onlyACreateIfAbsentWriteCanBeGrouped() {
            assertThatThrownBy(() -> WriteOptions.replace(Checksums.none()).withGroupCommit())
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void capabilitiesAreSane() {
            assertThat(target.capabilities().maxConcurrency()).isGreaterThanOrEqualTo(1);
            assertThat(target.capabilities().serverChecksums()).isNotNull();
        }

        @Test
        void flushKeepsEverythingAndIsIdempotent() {
            put("f/a", bytes("a"));
            target.flush();
            target.flush();
            put("f/b", bytes("b"));
            target.flush();
            assertThat(get("f/a")).isEqualTo(bytes("a"));
            assertThat(listAll("f/", 10)).containsExactlyInAnyOrder("f/a", "f/b");
        }

        @Test
        void closeIsIdempotent() throws Exception {
            StorageTarget other = newTarget();
            other.close();
            other.close();
            assertThat(other.capabilities()).isNotNull();
        }
    }
}
