package dev.heirloom.provider.azure;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.StatusReport;
import dev.heirloom.TargetSpec;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
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
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.CapturedOutput;
import dev.heirloom.tck.ProviderDiscovery;
import dev.heirloom.testservers.AzuriteServer;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only Azure needs: resumed block uploads, Content-MD5, archive tier, credentials kept secret. */
class AzureTargetTest {
    @Test
    void isFoundWithoutItsDependencies() throws Exception {
        ProviderDiscovery.assertFoundWithoutDependencies(AzureTargetProvider.class);
    }

    private static AzuriteServer azurite;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        azurite = AzuriteServer.start(Files.createTempDirectory("heirloom-azurite"));
    }

    @AfterAll
    static void stop() {
        azurite.close();
    }

    private static Map<String, String> options(String... more) {
        Map<String, String> m = new HashMap<>(Map.of("connectionString", azurite.connectionString(),
                "createContainer", "true", "blockSizeMiB", "1", "maxTries", "1"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private static AzureTarget open(String container, String... more) {
        return (AzureTarget) new AzureTargetProvider().open(new TargetConfig(URI.create("azure://" + container + "/p"),
                options(more)));
    }

    @Test
    void anInterruptedUploadResumesFromTheStagedBlocks() throws Exception {
        byte[] video = new byte[(5 << 20) + 123];
        new Random(1).nextBytes(video);
        String hash = MultiDigest.sha256Hex(video);
        AzureTarget t = open("resume");
        ContentSource breaksAfter3MiB = new ContentSource() {
            @Override
            public long size() {
                return video.length;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    int pos;

                    @Override
                    public int read() throws IOException {
                        if (pos >= (3 << 20) + 500) {
                            throw new IOException("connection to the source disk lost");
                        }
                        return video[pos++] & 0xff;
                    }
                };
            }
        };
        assertThatThrownBy(() -> t.write("objects/aa/" + hash, breaksAfter3MiB, WriteOptions.createIfAbsent(Checksums.sha256(hash))))
                .isInstanceOf(StorageException.class);
        assertThat(t.stat("objects/aa/" + hash)).as("nothing visible before commit").isEmpty();
        AzureTarget again = open("resume");
        again.write("objects/aa/" + hash, ContentSource.ofBytes(video), WriteOptions.createIfAbsent(Checksums.sha256(hash)));
        assertThat(again.resumedBytes()).isEqualTo(3L << 20);
        try (InputStream in = again.read("objects/aa/" + hash, 0, -1)) {
            assertThat(MultiDigest.sha256Hex(in.readAllBytes())).isEqualTo(hash);
        }
    }

    @Test
    void anEncryptedVideoUploadCutAtHalfResumesFromTheStagedBlocksInTheNextRun() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        int size = (16 << 20) + 3;
        byte[] video = new byte[size];
        new Random(41).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        String container = "encresume" + UUID.randomUUID().toString().substring(0, 8);
        try (dev.heirloom.testservers.CountingProxy proxy = dev.heirloom.testservers.CountingProxy.start(azurite.port())) {
            Map<String, String> viaProxy = options("connectionString",
                    azurite.connectionString().replace(":" + azurite.port() + "/", ":" + proxy.port() + "/"));
            Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new AzureTargetProvider()))
                    .target(new TargetSpec("cloud", URI.create("azure://" + container + "/heirloom"), Medium.CLOUD,
                            Site.OFFSITE, viaProxy))
                    .encryption("cloud", dev.heirloom.repository.Encryption.passphrase("azure resume passphrase"));
            try (Heirloom h = builder.build()) {
                proxy.cutAfterUpload(size / 2);
                assertThat(h.backup().succeeded()).isFalse();
            }
            proxy.uncut();
            proxy.resetCounts();
            try (Heirloom h = builder.build()) {
                assertThat(h.backup().succeeded()).isTrue();
                assertThat(proxy.bytesToServer()).as("the blocks not staged before the cut, the snapshot and records")
                        .isLessThanOrEqualTo(size / 2 + (3L << 20));
                Path out = tmp.resolve("out");
                assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(video);
                assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
                VerifyReport byMd5 = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
                assertThat(byMd5.clean()).isTrue();
                assertThat(byMd5.notes()).isEmpty();
            }
        }
    }

    @Test
    void anEncryptedTargetIsCheckedByTheMd5OfItsCiphertextWithoutDownloading() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 4; i++) {
            byte[] photo = new byte[120_000 + i];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        byte[] video = new byte[(3 << 20) + 5]; // staged in 1 MiB blocks
        new Random(8).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        String container = "enc" + UUID.randomUUID().toString().substring(0, 8);
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new AzureTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("azure://" + container + "/p"), Medium.CLOUD, Site.OFFSITE, options()))
                .encryption("cloud", dev.heirloom.repository.Encryption.passphrase("azure test passphrase")).build()) {
            assertThat(h.backup().succeeded()).isTrue();
            VerifyReport clean = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(clean.clean()).isTrue();
            assertThat(clean.objectsChecked()).isEqualTo(5);
            assertThat(clean.notes()).as("every object's ciphertext MD5 was recorded").isEmpty();
            assertThat(clean.bytesRead()).isZero();

            String hash = MultiDigest.sha256Hex(video);
            String key = h.repository("cloud").objects().key(hash);
            try (AzureTarget raw = open(container)) {
                byte[] stored;
                try (InputStream in = raw.read(key, 0, -1)) {
                    stored = in.readAllBytes();
                }
                stored[1 << 20] ^= 1;
                raw.write(key, ContentSource.ofBytes(stored), WriteOptions.replace(Checksums.none()));
            }
            VerifyReport found = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(found.bad()).singleElement().satisfies(b -> {
                assertThat(b.hash()).isEqualTo(hash);
                assertThat(b.detail()).contains("MD5");
            });
        }
    }

    @Test
    void theStoredContentMd5IsWhatWeComputed() {
        AzureTarget t = open("md5");
        byte[] content = "family photo".getBytes();
        t.write("k", ContentSource.ofBytes(content), WriteOptions.replace(Checksums.none()));
        MultiDigest d = new MultiDigest(EnumSet.of(ChecksumAlgorithm.MD5));
        d.update(content, 0, content.length);
        assertThat(t.stat("k").orElseThrow().checksums().get(ChecksumAlgorithm.MD5)).isEqualTo(d.finish().get(ChecksumAlgorithm.MD5));
    }

    @Test
    void archivedObjectsSayTheyNeedRehydration() {
        AzureTarget t = open("archive", "accessTier", "archive");
        t.write("old.jpg", ContentSource.ofBytes(new byte[] {1, 2, 3}), WriteOptions.replace(Checksums.none()));
        assertThat(t.stat("old.jpg")).isPresent();
        assertThatThrownBy(() -> t.read("old.jpg", 0, -1)).isInstanceOf(StorageException.class)
                .hasMessageContaining("Archive tier").hasMessageContaining("rehydrate");
    }

    @Test
    void aMissingContainerIsAClearConfigurationError() {
        Map<String, String> opts = options();
        opts.remove("createContainer");
        assertThatThrownBy(() -> new AzureTargetProvider().open(new TargetConfig(URI.create("azure://absent/p"), opts)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("createContainer");
    }

    @Test
    void credentialsNeverReachExceptionsReportsOrLogs() throws Exception {
        String wrongKey = "d3JvbmcwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=";
        String badCs = azurite.connectionString().replace(azurite.accountKey(), wrongKey);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "photo");
        String[] everything = new String[1];
        String logs = CapturedOutput.of(() -> {
            assertThatThrownBy(() -> new AzureTargetProvider().open(new TargetConfig(URI.create("azure://creds/p"),
                    Map.of("connectionString", badCs, "maxTries", "1"))))
                    .isInstanceOf(AuthenticationException.class)
                    .satisfies(e -> assertThat(CapturedOutput.stackText(e)).doesNotContain(wrongKey));
            String sas = "sv=2024-01-01&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=c2VjcmV0c2lnbmF0dXJl";
            assertThatThrownBy(() -> new AzureTargetProvider().open(new TargetConfig(URI.create("azure://creds/p"),
                    Map.of("endpoint", azurite.endpoint(), "sasToken", sas, "maxTries", "1"))))
                    .isInstanceOf(StorageException.class)
                    .satisfies(e -> assertThat(CapturedOutput.stackText(e)).doesNotContain("c2VjcmV0c2lnbmF0dXJl"));
            try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new AzureTargetProvider()))
                    .target(new TargetSpec("cloud", URI.create("azure://creds/p"), Medium.CLOUD, Site.OFFSITE,
                            Map.of("connectionString", badCs, "maxTries", "1")))
                    .build()) {
                BackupReport report = h.backup();
                StatusReport status = h.status();
                everything[0] = report + "\n" + status + "\n" + h.targets();
            }
        });
        assertThat(everything[0]).contains("refused our credentials");
        for (String secret : new String[] {wrongKey, azurite.accountKey(), "c2VjcmV0c2lnbmF0dXJl"}) {
            assertThat(everything[0]).doesNotContain(secret);
            assertThat(logs).doesNotContain(secret);
        }
    }

    @Test
    void azuriteKilledMidRunFailsOnlyItsTargetAndTheNextRunCatchesUp() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 40; i++) {
            byte[] photo = new byte[200_000];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        AzuriteServer own = AzuriteServer.start(tmp.resolve("azurite"));
        String mem = "mem-" + UUID.randomUUID();
        try {
            TargetSpec cloud = new TargetSpec("cloud", URI.create("azure://photos/heirloom"), Medium.CLOUD, Site.OFFSITE,
                    Map.of("connectionString", own.connectionString(), "createContainer", "true", "maxTries", "1"));
            Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new AzureTargetProvider(), new InMemoryTargetProvider()))
                    .target("usb", URI.create("mem://" + mem), Medium.EXTERNAL_DISK, Site.ONSITE)
                    .target(cloud).threads(2);
            try (Heirloom h = builder.build()) {
                BackupReport cut = h.backup(new dev.heirloom.backup.ProgressListener() {
                    private final java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();

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
                VerifyReport byMd5 = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
                assertThat(byMd5.clean()).isTrue();
                assertThat(byMd5.bytesRead()).as("Content-MD5 compared without downloading").isZero();
                assertThat(byMd5.notes()).as("every object had its MD5 recorded at backup").isEmpty();
                assertThat(byMd5.objectsChecked()).isEqualTo(40);
                for (int i = 0; i < 40; i++) {
                    assertThat(Files.readAllBytes(out.resolve("IMG_" + i + ".jpg"))).isEqualTo(Files.readAllBytes(src.resolve("IMG_" + i + ".jpg")));
                }
            }
        } finally {
            own.close();
            InMemoryTargetProvider.drop(mem);
        }
    }

    @Test
    void closeIsHarmlessAndTargetsReopen() {
        StorageTarget t = open("reopen");
        t.write("x", ContentSource.ofBytes(new byte[] {7}), WriteOptions.replace(Checksums.none()));
        t.close();
        assertThat(open("reopen").stat("x")).isPresent();
    }
}
