package dev.heirloom.provider.gcs;

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
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.CapturedOutput;
import dev.heirloom.tck.ProviderDiscovery;
import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only GCS needs: resumed sessions, server checksums, credentials kept secret, a server that goes away. */
class GcsTargetTest {
    @Test
    void isFoundWithoutItsDependencies() throws Exception {
        ProviderDiscovery.assertFoundWithoutDependencies(GcsTargetProvider.class);
    }

    @TempDir
    Path tmp;

    private GcsTestServer server;

    @Test
    void aSmallRangeOfAPhotoFetchesTheRangeNotThePhoto() throws IOException {
        byte[] photo = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(photo);
        try (GcsTarget target = open()) {
            target.write("p", ContentSource.ofBytes(photo), WriteOptions.replace(Checksums.none()));
            long before = server.bytesDownloaded();
            try (InputStream in = target.read("p", 1 << 20, 1024)) {
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(photo, 1 << 20, (1 << 20) + 1024));
            }
            assertThat(server.bytesDownloaded() - before).as("bytes fetched for a 1 KiB range").isEqualTo(1024);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = GcsTestServer.start();
        server.createBucket("photos");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, String> options(String... more) {
        Map<String, String> m = new HashMap<>(Map.of("endpoint", server.endpoint(), "anonymous", "true",
                "chunkSizeMiB", "1", "maxTries", "1", "resumeDir", tmp.resolve("resume").toString()));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private GcsTarget open(String... more) {
        return (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://photos/heirloom"), options(more)));
    }

    static Checksums all(byte[] b) {
        MultiDigest d = MultiDigest.exactly(EnumSet.allOf(ChecksumAlgorithm.class));
        d.update(b, 0, b.length);
        return d.finish();
    }

    /** Content whose stream runs {@code atByte} once it has given that many bytes. */
    static ContentSource tripping(byte[] data, long atByte, Runnable trip) {
        return new ContentSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public InputStream open() {
                return new FilterInputStream(new java.io.ByteArrayInputStream(data)) {
                    long given;
                    boolean tripped;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        given += Math.max(0, n);
                        if (!tripped && given >= atByte) {
                            tripped = true;
                            trip.run();
                        }
                        return n;
                    }
                };
            }
        };
    }

    @Test
    void aLargeUploadCutByALostServerResumesInANewClientFromTheSavedSession() throws Exception {
        byte[] video = new byte[6 * 1024 * 1024 + 777];
        new Random(3).nextBytes(video);
        Checksums sums = all(video);
        String key = "objects/ab/" + sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
        GcsTarget first = open();
        assertThatThrownBy(() -> first.write(key, tripping(video, 3L * 1024 * 1024 + 10, server::stop),
                WriteOptions.createIfAbsent(sums))).isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("resumes");
        server.restart();
        assertThat(first.stat(key)).as("nothing visible before the upload completes").isEmpty();
        try (Stream<Path> saved = Files.list(tmp.resolve("resume"))) {
            assertThat(saved.toList()).as("the session state was saved").hasSize(1).allSatisfy(p ->
                    assertThat(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("ya29"));
        }
        long before = server.bytesUploaded();

        GcsTarget second = open(); // as a new process would: a new client, the saved state on disk
        second.write(key, ContentSource.ofBytes(video), WriteOptions.createIfAbsent(sums));
        long sentAgain = server.bytesUploaded() - before;
        assertThat(second.resumedBytes()).as("bytes not sent again").isGreaterThanOrEqualTo(2L * 1024 * 1024);
        assertThat(sentAgain).isLessThan(video.length - 2L * 1024 * 1024);
        assertThat(server.content("photos", "heirloom/" + key)).hasValueSatisfying(c -> assertThat(c).isEqualTo(video));
        assertThat(second.stat(key).orElseThrow().checksums().get(ChecksumAlgorithm.MD5)).isEqualTo(sums.get(ChecksumAlgorithm.MD5));
        try (Stream<Path> left = Files.list(tmp.resolve("resume"))) {
            assertThat(left.toList()).as("the saved session is removed once done").isEmpty();
        }
    }

    @Test
    void aLargeUploadWhoseBytesDoNotMatchIsNeverFinalized() {
        byte[] video = new byte[3 * 1024 * 1024 + 5];
        new Random(4).nextBytes(video);
        Checksums sums = all(video);
        byte[] changed = video.clone();
        changed[changed.length - 1] ^= 1; // the file changed while it was read
        GcsTarget t = open();
        assertThatThrownBy(() -> t.write("objects/x", ContentSource.ofBytes(changed), WriteOptions.createIfAbsent(sums)))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThat(t.stat("objects/x")).isEmpty();
        assertThat(server.names("photos")).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "encrypted: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aFlippedByteIsCaughtByTheChecksumLevelWithoutDownloading(boolean encrypted) throws Exception {
        // encrypted: the CRC-32C and MD5 of the ciphertext, recorded as it was uploaded, are compared
        String prefix = encrypted ? "encrypted" : "heirloom";
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 6; i++) {
            byte[] photo = new byte[30_000 + i];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://photos/" + prefix), Medium.CLOUD, Site.OFFSITE, options()));
        if (encrypted) {
            builder.encryption("cloud", dev.heirloom.repository.Encryption.passphrase("gcs test passphrase"));
        }
        try (Heirloom h = builder.build()) {
            assertThat(h.backup().succeeded()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).clean()).isTrue();
            String victim = server.names("photos").stream().filter(n -> n.startsWith(prefix + "/objects/")).findFirst().orElseThrow();
            server.corrupt("photos", victim, 100);
            int downloads = server.downloads().size();
            VerifyReport r = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(server.downloads().subList(downloads, server.downloads().size()))
                    .as("no photo downloaded (folder listings and snapshots are)").noneMatch(n -> n.startsWith(prefix + "/objects/"));
            assertThat(r.bytesRead()).isZero();
            assertThat(r.notes()).as("MD5 and CRC-32C were recorded at backup").isEmpty();
            assertThat(r.bad()).singleElement().satisfies(b -> {
                assertThat(victim).endsWith(encrypted ? h.repository("cloud").objects().key(b.hash()) : b.hash());
                assertThat(b.kind()).isEqualTo(BadObject.Kind.CONTENT);
                assertThat(b.problem()).isEqualTo(BadObject.Problem.CORRUPT);
                assertThat(b.paths()).singleElement().asString().contains("IMG_");
            });
        }
    }

    @Test
    void anEncryptedVideoUploadCutAtHalfResumesFromTheSavedSessionInTheNextRun() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        int size = (24 << 20) + 13;
        byte[] video = new byte[size];
        new Random(31).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://photos/enc-resume"), Medium.CLOUD, Site.OFFSITE, options()))
                .encryption("cloud", dev.heirloom.repository.Encryption.passphrase("gcs resume passphrase"));
        try (Heirloom h = builder.build()) {
            long start = server.bytesUploaded();
            Thread cutter = new Thread(() -> {
                while (server.bytesUploaded() - start < size / 2) {
                    Thread.onSpinWait();
                }
                server.stop(); // the service goes away with half the video sent
            });
            cutter.start();
            assertThat(h.backup().succeeded()).isFalse();
            cutter.join();
        }
        server.restart();
        long before = server.bytesUploaded();
        try (Heirloom h = builder.build()) {
            assertThat(h.backup().succeeded()).isTrue();
            long sent = server.bytesUploaded() - before;
            assertThat(sent).as("the chunks the service had not persisted, the snapshot and records")
                    .isLessThanOrEqualTo(size / 2 + (3L << 20));
            Path out = tmp.resolve("out");
            assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
            assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(video);
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
            VerifyReport byChecksum = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(byChecksum.clean()).isTrue();
            assertThat(byChecksum.notes()).isEmpty();
        }
    }

    @Test
    void serviceAccountCredentialsAreUsedAndNeverReachExceptionsReportsOrLogs() throws Exception {
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        String pkcs8 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.generateKeyPair().getPrivate().getEncoded());
        String keyBody = pkcs8.lines().skip(3).findFirst().orElseThrow();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + pkcs8 + "\n-----END PRIVATE KEY-----\n";
        Path account = tmp.resolve("sa.json");
        Files.writeString(account, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of(
                "type", "service_account", "project_id", "family", "private_key_id", "k1", "private_key", pem,
                "client_email", "heirloom@family.iam.gserviceaccount.com", "client_id", "1",
                "token_uri", server.tokenUri())));
        server.requireAuthorization();

        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "photo");
        String[] everything = new String[1];
        String logs = CapturedOutput.of(() -> {
            assertThatThrownBy(() -> new GcsTargetProvider().open(new TargetConfig(URI.create("gs://photos/heirloom"),
                    Map.of("endpoint", server.endpoint(), "anonymous", "true", "maxTries", "1"))))
                    .as("no token, no access").isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("refused our credentials");
            Files.writeString(tmp.resolve("broken.json"), "{\"type\":\"service_account\",\"private_key\":\"" + keyBody + "\"}");
            assertThatThrownBy(() -> new GcsTargetProvider().open(new TargetConfig(URI.create("gs://photos/heirloom"),
                    Map.of("endpoint", server.endpoint(), "credentialsFile", tmp.resolve("broken.json").toString()))))
                    .isInstanceOf(InvalidConfigException.class)
                    .satisfies(e -> assertThat(CapturedOutput.stackText(e)).doesNotContain(keyBody));
            TargetSpec spec = new TargetSpec("cloud", URI.create("gs://photos/heirloom"), Medium.CLOUD, Site.OFFSITE,
                    Map.of("endpoint", server.endpoint(), "credentialsFile", account.toString(), "maxTries", "1",
                            "resumeDir", tmp.resolve("resume").toString()));
            try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new GcsTargetProvider())).target(spec).build()) {
                BackupReport report = h.backup();
                assertThat(report.succeeded()).as(report.toString()).isTrue();
                StatusReport status = h.status();
                everything[0] = report + "\n" + status + "\n" + h.targets() + "\n" + spec;
            }
        });
        assertThat(server.names("photos")).anyMatch(n -> n.startsWith("heirloom/snapshots/"));
        for (String secret : new String[] {keyBody, "ya29.test-"}) {
            assertThat(everything[0]).doesNotContain(secret);
            assertThat(logs).doesNotContain(secret);
        }
    }

    @Test
    void theServerStoppedMidRunFailsOnlyItsTargetAndTheNextRunCatchesUp() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 30; i++) {
            byte[] photo = new byte[100_000];
            new Random(i).nextBytes(photo);
            Files.write(src.resolve("IMG_" + i + ".jpg"), photo);
        }
        String mem = "mem-" + UUID.randomUUID();
        try {
            Heirloom.Builder builder = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new GcsTargetProvider(), new InMemoryTargetProvider()))
                    .target("usb", URI.create("mem://" + mem), Medium.EXTERNAL_DISK, Site.ONSITE)
                    .target(new TargetSpec("cloud", URI.create("gs://photos/heirloom"), Medium.CLOUD, Site.OFFSITE, options()))
                    .threads(2);
            try (Heirloom h = builder.build()) {
                BackupReport cut = h.backup(new dev.heirloom.backup.ProgressListener() {
                    private final java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();

                    @Override
                    public void bytesStored(String target, long count) {
                        if (target.equals("cloud") && stored.incrementAndGet() == 5) {
                            server.stop();
                        }
                    }
                });
                assertThat(cut.targets()).extracting(t -> t.name() + ":" + t.succeeded()).containsExactly("usb:true", "cloud:false");
                assertThat(cut.targets().get(1).error()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("connection").doesNotContain("null"));
            }
            server.restart();
            try (Heirloom h = builder.build()) {
                BackupReport next = h.backup();
                assertThat(next.succeeded()).isTrue();
                Path out = tmp.resolve("out");
                assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                for (int i = 0; i < 30; i++) {
                    assertThat(Files.readAllBytes(out.resolve("IMG_" + i + ".jpg")))
                            .isEqualTo(Files.readAllBytes(src.resolve("IMG_" + i + ".jpg")));
                }
                assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).clean()).isTrue();
            }
        } finally {
            InMemoryTargetProvider.drop(mem);
        }
    }

    @Test
    void aMissingBucketIsAClearConfigurationError() {
        assertThatThrownBy(() -> new GcsTargetProvider().open(new TargetConfig(URI.create("gs://absent/p"), options())))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bucket absent does not exist");
        assertThatThrownBy(() -> new GcsTargetProvider().open(new TargetConfig(URI.create("gs:///p"), options())))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("gs://BUCKET/PREFIX");
        assertThatThrownBy(() -> new GcsTargetProvider().open(new TargetConfig(URI.create("gs://photos/p"),
                options("storageClass", "frozen")))).isInstanceOf(InvalidConfigException.class).hasMessageContaining("storageClass");
    }
}
