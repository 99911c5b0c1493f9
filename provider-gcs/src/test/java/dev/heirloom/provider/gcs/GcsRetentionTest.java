package dev.heirloom.provider.gcs;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectLockedException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.testservers.GcsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Object retention against the GCS test server, which enforces it as GCS documents: a locked
 * object can be neither deleted nor replaced until its time, which only moves later.
 */
class GcsRetentionTest {
    @TempDir
    Path tmp;

    private GcsTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = GcsTestServer.start();
        server.createBucketWithObjectRetention("locked");
        server.createBucket("plain");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private GcsTarget open(String bucket) {
        return (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://" + bucket + "/repo"),
                Map.of("endpoint", server.endpoint(), "anonymous", "true", "chunkSizeMiB", "1", "maxTries", "1",
                        "resumeDir", tmp.resolve("resume").toString())));
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static WriteOptions lockedUntil(byte[] data, Instant until) {
        return WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(data))).withRetainUntil(until);
    }

    @Test
    void onlyABucketWithObjectRetentionOffersLocks() {
        try (GcsTarget locked = open("locked"); GcsTarget plain = open("plain")) {
            assertThat(locked.capabilities().objectLock()).isTrue();
            assertThat(plain.capabilities().objectLock()).isFalse();
            byte[] data = random(100);
            assertThatThrownBy(() -> plain.write("objects/ab/x", ContentSource.ofBytes(data),
                    lockedUntil(data, Instant.now().plus(Duration.ofDays(1)))))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("object retention");
            assertThat(plain.stat("objects/ab/x")).as("nothing stored unprotected").isEmpty();
            assertThatThrownBy(() -> plain.extendRetention("objects/ab/x", Instant.now()))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aLockedObjectCanBeNeitherDeletedNorReplacedUntilItsTime() throws Exception {
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
        try (GcsTarget target = open("locked")) {
            for (int size : new int[] {1000, 3 * 1024 * 1024}) { // one request, and a resumable upload
                String key = "objects/ab/" + size;
                byte[] data = random(size);
                ObjectInfo written = target.write(key, ContentSource.ofBytes(data), lockedUntil(data, until));
                assertThat(written.retainUntil()).contains(until);
                assertThat(target.stat(key).flatMap(ObjectInfo::retainUntil)).contains(until);

                assertThatThrownBy(() -> target.delete(key)).isInstanceOf(ObjectLockedException.class)
                        .satisfies(e -> assertThat(((ObjectLockedException) e).until()).contains(until));
                byte[] other = random(size + 1);
                assertThatThrownBy(() -> target.write(key, ContentSource.ofBytes(other),
                        WriteOptions.replace(Checksums.sha256(MultiDigest.sha256Hex(other)))))
                        .isInstanceOf(ObjectLockedException.class);
                try (InputStream in = target.read(key, 0, -1)) {
                    assertThat(in.readAllBytes()).as("the locked bytes are untouched").isEqualTo(data);
                }
            }
            server.advanceClock(Duration.ofDays(2));
            target.delete("objects/ab/1000");
            assertThat(target.stat("objects/ab/1000")).as("free once its time has passed").isEmpty();
        }
    }

    @Test
    void aLockMovesLaterAndNeverEarlier() {
        Instant first = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
        try (GcsTarget target = open("locked")) {
            byte[] data = random(500);
            target.write("snapshots/s", ContentSource.ofBytes(data), lockedUntil(data, first));
            Instant later = first.plus(Duration.ofDays(30));
            assertThat(target.extendRetention("snapshots/s", later).retainUntil()).contains(later);
            assertThat(target.stat("snapshots/s").flatMap(ObjectInfo::retainUntil)).contains(later);
            assertThat(target.extendRetention("snapshots/s", first).retainUntil()).as("never shortened").contains(later);
            assertThat(target.stat("snapshots/s").flatMap(ObjectInfo::retainUntil)).contains(later);
            assertThat(target.list("snapshots/", Optional.empty(), 10).objects())
                    .singleElement().satisfies(o -> assertThat(o.retainUntil()).contains(later));

            byte[] unlocked = random(600);
            target.write("heirloom.json", ContentSource.ofBytes(unlocked),
                    WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(unlocked))));
            assertThat(target.stat("heirloom.json").flatMap(ObjectInfo::retainUntil)).isEmpty();
            target.extendRetention("heirloom.json", first);
            assertThatThrownBy(() -> target.delete("heirloom.json")).isInstanceOf(ObjectLockedException.class);
            assertThatThrownBy(() -> target.extendRetention("missing", first))
                    .isInstanceOf(dev.heirloom.spi.ObjectNotFoundException.class);
        }
    }

    @Test
    void stagedContentIsPublishedLocked() throws Exception {
        Instant until = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
        byte[] data = random(2 * 1024 * 1024 + 5);
        try (GcsTarget target = open("locked")) {
            StagedObject staged = target.stage("photo-1", ContentSource.ofBytes(data));
            staged.publish("objects/cd/photo", lockedUntil(data, until));
            assertThat(target.stat("objects/cd/photo").flatMap(ObjectInfo::retainUntil)).contains(until);
            assertThatThrownBy(() -> target.delete("objects/cd/photo")).isInstanceOf(ObjectLockedException.class);
        }
    }
}
