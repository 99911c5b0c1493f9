package dev.heirloom.provider.s3;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.StatusReport;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.CapturedOutput;
import dev.heirloom.tck.ProviderDiscovery;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
import dev.heirloom.testservers.CountingProxy;
import dev.heirloom.testservers.S3ProxyServer;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only S3 needs: options, resumed multipart uploads, checksums kept by the store, credentials kept secret. */
class S3TargetTest {
    private static final long MIB = 1024 * 1024;
    private static S3ProxyServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("heirloom-s3proxy"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> options(String endpoint, String... more) {
        Map<String, String> o = new HashMap<>(Map.of("endpoint", endpoint, "accessKeyId", S3ProxyServer.ACCESS_KEY,
                "secretAccessKey", S3ProxyServer.SECRET_KEY, "createBucket", "true"));
        for (int i = 0; i < more.length; i += 2) {
            o.put(more[i], more[i + 1]);
        }
        return o;
    }

    private static S3Target open(String uri, Map<String, String> options) {
        return (S3Target) new S3TargetProvider().open(new TargetConfig(URI.create(uri), options));
    }

    @Test
    void isFoundWithoutItsDependencies() throws Exception {
        ProviderDiscovery.assertFoundWithoutDependencies(S3TargetProvider.class);
    }

    @Test
    void everyOptionIsCheckedBeforeConnecting() {
        S3TargetProvider p = new S3TargetProvider();
        Map<String, String> ok = Map.of("endpoint", "http://127.0.0.1:1");
        p.validate(new TargetConfig(URI.create("s3://photos/heirloom"), ok));
        for (Map.Entry<String, String> bad : Map.of("partSizeMiB", "4", "concurrency", "eight", "pathStyle", "maybe",
                "storageClass", "COLDEST", "region", "Europe West", "stageLargeFiles", "once", "endpoint", "ftp://host/", "checksums", "1",
                "conditionalWrites", "sometimes", "maxTries", "2.5").entrySet()) {
            Map<String, String> o = new HashMap<>(ok);
            o.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> p.validate(new TargetConfig(URI.create("s3://photos/heirloom"), o)))
                    .as(bad.toString()).isInstanceOf(InvalidConfigException.class).hasMessageContaining(bad.getKey());
        }
        assertThatThrownBy(() -> p.validate(new TargetConfig(URI.create("s3://Not_A_Bucket/x"), ok)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bucket name");
        assertThatThrownBy(() -> p.validate(new TargetConfig(URI.create("s3://photos/x"),
                Map.of("accessKeyId", "AKIAEXAMPLE"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("secretAccessKey");
        assertThatThrownBy(() -> p.validate(new TargetConfig(URI.create("s3://AKIA:hunter2@photos/x"), ok)))
                .isInstanceOf(InvalidConfigException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void oneBucketAndPrefixIsOneLocationWhateverItIsCalled() {
        S3TargetProvider p = new S3TargetProvider();
        URI a = p.location(new TargetConfig(URI.create("s3://photos/heirloom/"),
                Map.of("endpoint", "https://S3.Example.com"))).orElseThrow();
        URI b = p.location(new TargetConfig(URI.create("s3://photos//heirloom"),
                Map.of("endpoint", "https://s3.example.com:443/", "region", "eu-1"))).orElseThrow();
        URI other = p.location(new TargetConfig(URI.create("s3://photos/heirloom"),
                Map.of("endpoint", "https://s3.other.com"))).orElseThrow();
        assertThat(a).isEqualTo(b).isNotEqualTo(other);
        assertThat(p.location(new TargetConfig(URI.create("s3://photos/heirloom"), Map.of()))).isPresent();
    }

    @Test
    void aMissingBucketIsAClearConfigurationError() {
        Map<String, String> o = options(server.endpoint());
        o.remove("createBucket");
        assertThatThrownBy(() -> open("s3://absent-bucket/p", o))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("createBucket");
    }

    @Test
    void theStoreKeepsTheCrc32cWeComputedForSmallAndMultipartObjects() throws Exception {
        try (S3Target t = open("s3://sums/p", options(server.endpoint(), "partSizeMiB", "5"))) {
            assertThat(t.capabilities().serverChecksums()).containsExactly(ChecksumAlgorithm.CRC32C);
            assertThat(t.capabilities().conditionalCreate()).as("S3Proxy honours If-None-Match").isTrue();
            for (int size : new int[] {0, 1000, (int) (12 * MIB + 3)}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                Checksums ours = MultiDigest.of(new java.io.ByteArrayInputStream(data),
                        Set.of(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC32C), new byte[8192]);
                String key = "objects/" + ours.get(ChecksumAlgorithm.SHA256).orElseThrow();
                t.write(key, ContentSource.ofBytes(data), WriteOptions.createIfAbsent(ours));
                ObjectInfo stored = t.stat(key).orElseThrow();
                assertThat(stored.size()).isEqualTo(size);
                assertThat(stored.checksums().get(ChecksumAlgorithm.CRC32C)).as("size " + size)
                        .isEqualTo(ours.get(ChecksumAlgorithm.CRC32C));
            }
        }
    }

    @Test
    void concurrentWritersOfTheSameNewObjectLeaveOneWinnerAndNoFalseConflict() throws Exception {
        byte[] photo = new byte[300_000];
        new Random(9).nextBytes(photo);
        Checksums ours = MultiDigest.of(new java.io.ByteArrayInputStream(photo), Set.of(ChecksumAlgorithm.SHA256),
                new byte[8192]);
        String key = "objects/" + ours.get(ChecksumAlgorithm.SHA256).orElseThrow();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (S3Target t = open("s3://race/p", options(server.endpoint()))) {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        t.write(key, ContentSource.ofBytes(photo), WriteOptions.createIfAbsent(ours));
                        return "stored";
                    } catch (dev.heirloom.spi.ObjectExistsException e) {
                        return "exists";
                    }
                }));
            }
            go.countDown();
            java.util.List<String> outcomes = new java.util.ArrayList<>();
            for (var f : results) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).as("each writer stored it, or found it there; none failed").contains("stored")
                    .allMatch(o -> o.equals("stored") || o.equals("exists"));
            try (InputStream back = t.read(key, 0, -1)) {
                assertThat(back.readAllBytes()).isEqualTo(photo);
            }
            assertThat(t.list("objects/", Optional.empty(), 100).objects()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A video's bytes, made again the same way each time (no disk needed for 300 MB). */
    private static ContentSource video(long size, long seed) {
        return new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private final Random random = new Random(seed);
                    private final byte[] block = new byte[64 * 1024];
                    private int pos = block.length;
                    private long left = size;

                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        if (pos == block.length) {
                            random.nextBytes(block);
                            pos = 0;
                        }
                        int n = (int) Math.min(Math.min(len, block.length - pos), left);
                        System.arraycopy(block, pos, b, off, n);
                        pos += n;
                        left -= n;
                        return n;
                    }
                };
            }
        };
    }

    @Test
    void aVideoUploadCutAtHalfResumesAndSendsOnlyTheMissingPartsPlusOne() throws Exception {
        long size = 300 * MIB;
        long part = 16 * MIB;
        ContentSource clip = video(size, 42);
        Checksums ours = MultiDigest.of(clip.open(), Set.of(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC32C),
                new byte[1 << 20]);
        String key = "objects/" + ours.get(ChecksumAlgorithm.SHA256).orElseThrow();
        try (CountingProxy proxy = CountingProxy.start(server.port())) {
            Map<String, String> o = options(proxy.endpoint(), "maxTries", "1");
            try (S3Target t = open("s3://videos/resume", o)) {
                proxy.resetCounts();
                proxy.cutAfterUpload(size / 2);
                assertThatThrownBy(() -> t.write(key, clip, WriteOptions.createIfAbsent(ours)))
                        .isInstanceOf(StorageException.class);
            }
            proxy.uncut();
            long sentBefore = proxy.bytesToServer();
            assertThat(sentBefore).isBetween(size / 2 - part, size / 2 + part);
            proxy.resetCounts();
            try (S3Target t = open("s3://videos/resume", o)) {
                assertThat(t.stat(key)).as("nothing visible under the final name").isEmpty();
                ObjectInfo stored = t.write(key, clip, WriteOptions.createIfAbsent(ours));
                long resent = proxy.bytesToServer();
                long kept = t.resumedBytes();
                // the cut can fall while PARTS_IN_FLIGHT parts are on the wire: those are lost, the ones before kept
                assertThat(kept).as("whole parts found on the store")
                        .isGreaterThanOrEqualTo(size / 2 - (MultipartUpload.PARTS_IN_FLIGHT + 1) * part);
                assertThat(resent).as("the missing parts plus at most one, and the requests' headers")
                        .isLessThanOrEqualTo(size - kept + part + MIB);
                assertThat(stored.size()).isEqualTo(size);
                assertThat(stored.checksums().get(ChecksumAlgorithm.CRC32C)).isEqualTo(ours.get(ChecksumAlgorithm.CRC32C));
                try (InputStream back = t.read(key, 0, -1)) {
                    assertThat(MultiDigest.of(back, Set.of(ChecksumAlgorithm.SHA256), new byte[1 << 20])
                            .get(ChecksumAlgorithm.SHA256)).isEqualTo(ours.get(ChecksumAlgorithm.SHA256));
                }
                System.out.printf("resume: first try sent %d MiB, second sent %d MiB, %d MiB kept from the first%n",
                        sentBefore / MIB, resent / MIB, kept / MIB);
            }
        }
    }

    @Test
    void stagedContentIsPublishedByAServerSideCopyAndLeavesNothingBehind() throws Exception {
        byte[] video = new byte[(int) (11 * MIB + 5)];
        new Random(5).nextBytes(video);
        Checksums ours = MultiDigest.of(new java.io.ByteArrayInputStream(video),
                Set.of(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC32C), new byte[8192]);
        String key = "objects/" + ours.get(ChecksumAlgorithm.SHA256).orElseThrow();
        // a copy limit of 5 MiB makes the 11 MiB publish a multipart copy of three parts
        try (S3Target t = S3Target.open(S3Settings.parse(new TargetConfig(URI.create("s3://staging/p"),
                options(server.endpoint(), "partSizeMiB", "5", "stageLargeFiles", "true"))), 5 * MIB)) {
            try (dev.heirloom.spi.StagedObject staged = t.stage("clip-1", ContentSource.ofBytes(video))) {
                assertThat(t.list("", Optional.empty(), 100).objects()).as("staged content is not listed").isEmpty();
                ObjectInfo published = staged.publish(key, WriteOptions.createIfAbsent(ours));
                assertThat(published.size()).isEqualTo(video.length);
            }
            try (InputStream back = t.read(key, 0, -1)) {
                assertThat(back.readAllBytes()).isEqualTo(video);
            }
            try (dev.heirloom.spi.StagedObject again = t.stage("clip-2", ContentSource.ofBytes(video))) {
                assertThatThrownBy(() -> again.publish(key, WriteOptions.createIfAbsent(ours)))
                        .isInstanceOf(dev.heirloom.spi.ObjectExistsException.class);
            }
            byte[] small = "a photo".getBytes();
            try (dev.heirloom.spi.StagedObject wrong = t.stage("photo-1", ContentSource.ofBytes(small))) {
                assertThatThrownBy(() -> wrong.publish("objects/ab", WriteOptions.createIfAbsent(ours)))
                        .isInstanceOf(dev.heirloom.spi.ChecksumMismatchException.class);
            }
            assertThat(t.stat("objects/ab")).isEmpty();
            assertThat(server.dataDir().resolve("staging/p/" + S3Target.INTERNAL)).satisfies(d ->
                    assertThat(!Files.exists(d) || Files.list(d).findAny().isEmpty()).as("no staged leftovers").isTrue());
        }
    }

    @Test
    void credentialsNeverReachExceptionsReportsOrLogs() throws Exception {
        String wrong = "wrong-secret-" + UUID.randomUUID();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "photo");
        String[] everything = new String[1];
        Map<String, String> bad = options(server.endpoint(), "secretAccessKey", wrong, "maxTries", "1");
        String logs = CapturedOutput.of(() -> {
            assertThatThrownBy(() -> open("s3://creds/p", bad))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("refused our credentials")
                    .satisfies(e -> assertThat(CapturedOutput.stackText(e)).doesNotContain(wrong));
            try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new S3TargetProvider()))
                    .target(new TargetSpec("cloud", URI.create("s3://creds/p"), Medium.CLOUD, Site.OFFSITE, bad))
                    .build()) {
                BackupReport report = h.backup();
                StatusReport status = h.status();
                everything[0] = report + "\n" + status + "\n" + h.targets();
            }
        });
        assertThat(everything[0]).contains("refused our credentials");
        for (String secret : new String[] {wrong, S3ProxyServer.SECRET_KEY}) {
            assertThat(everything[0]).doesNotContain(secret);
            assertThat(logs).doesNotContain(secret);
        }
    }

    @Test
    void anEncryptedTargetIsCheckedByTheCrc32cOfItsCiphertextWithoutDownloading() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 5; i++) {
            byte[] photo = new byte[150_000 + i];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        byte[] video = new byte[(int) (20 * MIB) + 7]; // several parts of a multipart upload
        new Random(9).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        String bucket = "enc-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> options = options(server.endpoint());
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new S3TargetProvider()))
                .target(new TargetSpec("cloud", URI.create("s3://" + bucket + "/heirloom"), Medium.CLOUD, Site.OFFSITE, options))
                .encryption("cloud", dev.heirloom.repository.Encryption.passphrase("s3 test passphrase")).build()) {
            assertThat(h.backup().succeeded()).as("no upload taken for damaged: the store's CRC-32C is the sent one").isTrue();
            VerifyReport clean = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(clean.clean()).isTrue();
            assertThat(clean.objectsChecked()).isEqualTo(6);
            assertThat(clean.notes()).as("every object's ciphertext CRC-32C was recorded").isEmpty();
            assertThat(clean.bytesRead()).isZero();

            // someone replaces a stored photo with other bytes of the same size
            String hash = MultiDigest.sha256Hex(Files.readAllBytes(src.resolve("IMG_3.jpg")));
            String key = h.repository("cloud").objects().key(hash);
            try (S3Target raw = open("s3://" + bucket + "/heirloom", options)) {
                byte[] stored;
                try (InputStream in = raw.read(key, 0, -1)) {
                    stored = in.readAllBytes();
                }
                stored[stored.length / 2] ^= 1;
                raw.write(key, ContentSource.ofBytes(stored), WriteOptions.replace(Checksums.none()));
            }
            VerifyReport found = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(found.bad()).singleElement().satisfies(b -> {
                assertThat(b.hash()).isEqualTo(hash);
                assertThat(b.problem()).isEqualTo(dev.heirloom.verify.BadObject.Problem.CORRUPT);
                assertThat(b.detail()).contains("CRC32C");
            });
            assertThat(found.bytesRead()).isZero();
        }
    }

    @Test
    void anEncryptedVideoUploadCutAtHalfResumesInTheNextRun() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        long size = 100 * MIB + 11;
        long part = 5 * MIB;
        byte[] video = new byte[(int) size];
        new Random(21).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        String mem = "mem-" + UUID.randomUUID();
        try (CountingProxy proxy = CountingProxy.start(server.port())) {
            TargetSpec cloud = new TargetSpec("cloud", URI.create("s3://enc-resume/heirloom"), Medium.CLOUD, Site.OFFSITE,
                    options(proxy.endpoint(), "maxTries", "1", "partSizeMiB", "5"));
            // the plain copy's snapshot makes the next run trust the file and read it only to prove its blocks
            Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new S3TargetProvider(), new InMemoryTargetProvider()))
                    .target("usb", URI.create("mem://" + mem), Medium.EXTERNAL_DISK, Site.ONSITE)
                    .target(cloud).encryption("cloud", dev.heirloom.repository.Encryption.passphrase("resume passphrase"));
            try (Heirloom h = builder.build()) {
                proxy.cutAfterUpload(size / 2);
                BackupReport cut = h.backup();
                assertThat(cut.targets()).extracting(t -> t.name() + ":" + t.succeeded()).containsExactly("usb:true", "cloud:false");
            }
            proxy.uncut();
            proxy.resetCounts();
            try (Heirloom h = builder.build()) {
                assertThat(h.backup().succeeded()).isTrue();
                long sent = proxy.bytesToServer();
                // parts on the wire at the cut are lost; the ones before it are kept (not sent again)
                long kept = size / 2 - (MultipartUpload.PARTS_IN_FLIGHT + 1) * part;
                assertThat(sent).as("the parts the first run did not finish, plus the snapshot and records")
                        .isLessThanOrEqualTo(size - kept + part + MIB);
                System.out.printf("encrypted resume: %d MiB of a %d MiB video sent again%n", sent / MIB, size / MIB);
                Path out = tmp.resolve("out");
                assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(video);
                VerifyReport byContent = h.verify("cloud", VerifyLevel.CONTENT, 100);
                assertThat(byContent.clean()).isTrue();
                VerifyReport byCrc = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
                assertThat(byCrc.clean()).isTrue();
                assertThat(byCrc.notes()).as("the resumed upload's ciphertext checksum was recorded").isEmpty();
            }
        } finally {
            InMemoryTargetProvider.drop(mem);
        }
    }

    @Test
    void s3ProxyKilledMidRunFailsOnlyItsTargetAndTheNextRunCatchesUp() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 40; i++) {
            byte[] photo = new byte[200_000];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        S3ProxyServer own = S3ProxyServer.start(tmp.resolve("s3proxy"));
        String mem = "mem-" + UUID.randomUUID();
        try (CountingProxy proxy = CountingProxy.start(own.port())) {
            TargetSpec cloud = new TargetSpec("cloud", URI.create("s3://photos/heirloom"), Medium.CLOUD, Site.OFFSITE,
                    options(proxy.endpoint(), "maxTries", "1"));
            Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new S3TargetProvider(), new InMemoryTargetProvider()))
                    .target("usb", URI.create("mem://" + mem), Medium.EXTERNAL_DISK, Site.ONSITE)
                    .target(cloud).threads(2);
            try (Heirloom h = builder.build()) {
                BackupReport cut = h.backup(new dev.heirloom.backup.ProgressListener() {
                    private final AtomicInteger stored = new AtomicInteger();

                    @Override
                    public void bytesStored(String target, long count) {
                        if (target.equals("cloud") && stored.incrementAndGet() == 5) {
                            own.kill();
                        }
                    }
                });
                assertThat(cut.targets()).extracting(t -> t.name() + ":" + t.succeeded()).containsExactly("usb:true", "cloud:false");
                assertThat(cut.targets().get(0).snapshot()).isPresent();
            }
            own.restart();
            try (Heirloom h = builder.build()) {
                BackupReport next = h.backup();
                assertThat(next.succeeded()).isTrue();
                assertThat(next.targets().get(1).snapshot()).isPresent();
                Path out = tmp.resolve("out");
                assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                for (int i = 0; i < 40; i++) {
                    assertThat(Files.readAllBytes(out.resolve("IMG_" + i + ".jpg")))
                            .isEqualTo(Files.readAllBytes(src.resolve("IMG_" + i + ".jpg")));
                }
                proxy.resetCounts();
                VerifyReport byCrc = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
                assertThat(byCrc.clean()).isTrue();
                assertThat(byCrc.objectsChecked()).isEqualTo(40);
                assertThat(byCrc.notes()).as("every object had its CRC-32C recorded at backup").isEmpty();
                assertThat(byCrc.bytesRead()).as("CRC-32C compared without downloading").isZero();
                assertThat(proxy.bytesToClient()).as("bytes the server sent: listings and HEADs, not 8 MB of photos")
                        .isLessThan(1_000_000);
                VerifyReport byContent = h.verify("cloud", VerifyLevel.CONTENT, 100);
                assertThat(byContent.clean()).isTrue();
                assertThat(byContent.bytesRead()).isGreaterThanOrEqualTo(40 * 200_000L);
            }
        } finally {
            own.close();
            InMemoryTargetProvider.drop(mem);
        }
    }
}
