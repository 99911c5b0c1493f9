package dev.heirloom.provider.gcs;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A new large file goes to GCS in one read: staged while core hashes it, then copied to its name on the service. */
class GcsStagingTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;
    private GcsTestServer server;

    @BeforeEach
    void start() throws IOException {
        server = GcsTestServer.start();
        server.createBucket("photos");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, String> options() {
        return new HashMap<>(Map.of("endpoint", server.endpoint(), "anonymous", "true", "chunkSizeMiB", "1",
                "maxTries", "1", "resumeDir", tmp.resolve("resume").toString()));
    }

    private GcsTarget open() {
        return (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://photos/heirloom"), options()));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aNewLargeFileIsReadOnceAndPublishedUnderItsHash() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] video = random(20 * MIB + 3, 1); // above the 16 MiB up to which files are hashed first
        Files.write(src.resolve("VID_0001.mp4"), video);
        Files.write(src.resolve("IMG_0001.jpg"), random(300_000, 2));
        String hash = GcsTargetTest.all(video).get(ChecksumAlgorithm.SHA256).orElseThrow();
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://photos/heirloom"), Medium.CLOUD, Site.OFFSITE, options()))
                .build()) {
            BackupReport r = h.backup();
            assertThat(r.succeeded()).isTrue();
            assertThat(r.stats().bytesRead()).as("every source byte read once").isEqualTo(video.length + 300_000L);
            assertThat(server.names("photos")).as("published under its hash, nothing left staged")
                    .anyMatch(n -> n.endsWith(hash)).noneMatch(n -> n.contains(GcsTarget.STAGING));
            assertThat(server.content("photos", server.names("photos").stream().filter(n -> n.endsWith(hash))
                    .findFirst().orElseThrow())).hasValueSatisfying(c -> assertThat(c).isEqualTo(video));
            assertThat(h.verify("cloud", VerifyLevel.CHECKSUM, 100).clean()).isTrue();
        }
    }

    @Test
    void aStagedUploadCutByALostServerResumesAfterARestart() throws Exception {
        byte[] video = random(6 * MIB + 777, 3);
        Checksums sums = GcsTargetTest.all(video);
        String key = "objects/ab/" + sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
        GcsTarget first = open();
        assertThatThrownBy(() -> first.stage("clip-1", GcsTargetTest.tripping(video, 3L * MIB + 10, server::stop)))
                .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("resumes");
        server.restart();
        assertThat(first.list("", java.util.Optional.empty(), 100).objects()).as("nothing visible").isEmpty();
        long before = server.bytesUploaded();

        GcsTarget second = open(); // as the next run would: a new client, the saved state on disk
        try (StagedObject staged = second.stage("clip-1", ContentSource.ofBytes(video))) {
            staged.publish(key, WriteOptions.createIfAbsent(sums));
        }
        assertThat(second.resumedBytes()).as("bytes not sent again").isGreaterThanOrEqualTo(2L * MIB);
        assertThat(server.bytesUploaded() - before).isLessThan(video.length - 2L * MIB);
        assertThat(server.content("photos", "heirloom/" + key)).hasValueSatisfying(c -> assertThat(c).isEqualTo(video));
        assertThat(server.names("photos")).containsExactly("heirloom/" + key);
        try (Stream<Path> left = Files.list(tmp.resolve("resume"))) {
            assertThat(left.toList()).as("the saved session is removed once done").isEmpty();
        }
    }

    @Test
    void aResumedStageOfBytesThatChangedMeanwhileIsNeverPublished() throws Exception {
        byte[] before = random(4 * MIB + 11, 4);
        GcsTarget first = open();
        assertThatThrownBy(() -> first.stage("clip-2", GcsTargetTest.tripping(before, 2L * MIB + 10, server::stop)))
                .isInstanceOf(TargetUnavailableException.class);
        server.restart();
        byte[] now = before.clone();
        now[100] ^= 1; // changed in the part the service already holds, same size and stage name
        Checksums sums = GcsTargetTest.all(now);
        String key = "objects/cd/" + sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
        GcsTarget second = open();
        try (StagedObject staged = second.stage("clip-2", ContentSource.ofBytes(now))) {
            assertThat(second.resumedBytes()).as("it did resume").isPositive();
            assertThatThrownBy(() -> staged.publish(key, WriteOptions.createIfAbsent(sums)))
                    .isInstanceOf(ChecksumMismatchException.class);
        }
        assertThat(second.stat(key)).isEmpty();
        assertThat(server.names("photos")).as("the staged copy is removed").isEmpty();
    }
}
