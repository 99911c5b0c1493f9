package dev.heirloom.provider.gcs;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetStatus;
import dev.heirloom.TargetSpec;
import dev.heirloom.immutability.LockExtensionReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.retention.ForgetReport;
import dev.heirloom.retention.PruneReport;
import dev.heirloom.retention.RetentionPolicy;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectLockedException;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.testservers.GcsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * An immutable repository on the GCS test server, which enforces object retention as GCS does:
 * what a backup writes is locked, a lock extension keeps what kept snapshots need locked and lets
 * the rest run free, forget and prune leave locked files alone and say when they free, and status
 * claims immutability only from a complete extension.
 */
class ImmutableRepositoryTest {
    private static final Duration DAYS_2 = Duration.ofDays(2);

    @TempDir
    Path tmp;

    private GcsTestServer server;
    private Path src;

    @BeforeEach
    void start() throws Exception {
        server = GcsTestServer.start();
        server.createBucketWithObjectRetention("vault");
        server.createBucket("plain");
        src = Files.createDirectories(tmp.resolve("Pictures"));
        photo("2019/beach.jpg", 1);
        photo("2019/dunes.jpg", 2);
        photo("2020/party.mp4", 3);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private byte[] photo(String path, int seed) throws Exception {
        byte[] b = new byte[20_000 + seed];
        new Random(seed).nextBytes(b);
        Path p = src.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, b);
        return b;
    }

    private Map<String, String> options() {
        return Map.of("endpoint", server.endpoint(), "anonymous", "true", "maxTries", "1",
                "resumeDir", tmp.resolve("resume").toString());
    }

    private Heirloom heirloom(String bucket, Clock clock) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://" + bucket + "/h"), Medium.CLOUD, Site.OFFSITE, options()))
                .immutableDays("cloud", 2)
                .retention("cloud", RetentionPolicy.none().withLast(1))
                .clock(clock).build();
    }

    private List<String> names(String folder) {
        return server.names("vault").stream().filter(n -> n.startsWith("h/" + folder)).toList();
    }

    private Optional<Instant> lock(String name) {
        return server.retainUntil("vault", name);
    }

    private static TargetStatus cloud(Heirloom h) {
        return h.status().targets().get(0);
    }

    @Test
    void whatABackupWritesIsLockedAndOnlyAnExtensionMakesStatusSayImmutable() throws Exception {
        Instant t0 = Instant.now();
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            assertThat(h.backup().succeeded()).isTrue();
            List<String> permanent = server.names("vault").stream().filter(n -> n.matches("h/(objects|trees|snapshots)/.*|h/heirloom.json"))
                    .toList();
            assertThat(permanent).hasSizeGreaterThan(5);
            for (String name : permanent) {
                assertThat(lock(name)).as(name).hasValueSatisfying(t -> assertThat(t).isCloseTo(t0.plus(DAYS_2), within(Duration.ofMinutes(1))));
            }
            assertThat(server.names("vault")).noneMatch(n -> n.startsWith("h/locks/"));

            TargetStatus before = cloud(h);
            assertThat(before.locks().immutable()).isFalse();
            assertThat(before.locks().explanation()).contains("no lock extension has checked them yet");

            LockExtensionReport r = h.extendLocks("cloud");
            assertThat(r.complete()).as(r.problems().toString()).isTrue();
            assertThat(r.extended()).as("everything was locked a whole period ago at most").isZero();
            dev.heirloom.schedule.JobResult job = dev.heirloom.schedule.JobAction.extendLocks().run(h);
            assertThat(job.status()).isEqualTo(dev.heirloom.schedule.JobStatus.SUCCEEDED);
            assertThat(job.summary()).contains("cloud: " + r.files() + " files needed, 0 locks extended; all locked until");
            assertThat(r.files()).isEqualTo(permanent.size());
            TargetStatus after = cloud(h);
            assertThat(after.locks().immutable()).isTrue();
            assertThat(after.locks().lockedUntil()).hasValueSatisfying(t -> assertThat(t).isCloseTo(t0.plus(DAYS_2), within(Duration.ofMinutes(1))));

            // a record replaced by someone with write access claims more than the locks show: not believed
            try (GcsTarget raw = (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://vault/h"), options()))) {
                byte[] forged = ("{\"time\":\"" + t0.plus(Duration.ofDays(10)) + "\",\"days\":2,\"lockedUntil\":\""
                        + t0.plus(Duration.ofDays(20)) + "\",\"files\":1,\"extended\":0,\"missing\":0,\"complete\":true}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                raw.write("immutability/last-extension.json", ContentSource.ofBytes(forged),
                        WriteOptions.replace(Checksums.sha256(MultiDigest.sha256Hex(forged))));
            }
            TargetStatus forgedStatus = cloud(h);
            assertThat(forgedStatus.locks().immutable()).isFalse();
            assertThat(forgedStatus.locks().explanation()).contains("heirloom.json is locked only until");
            assertThat(h.extendLocks("cloud").complete()).isTrue();
            assertThat(cloud(h).locks().immutable()).isTrue();

            String object = names("objects/").get(0);
            try (GcsTarget raw = (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://vault/h"), options()))) {
                assertThatThrownBy(() -> raw.delete(object.substring(2))).isInstanceOf(ObjectLockedException.class);
            }
            assertThat(server.names("vault")).contains(object);
        }
    }

    @Test
    void extensionKeepsWhatKeptSnapshotsNeedAndLetsTheRestRunFree() throws Exception {
        Instant t0 = Instant.now();
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        String beach = objectOf(src.resolve("2019/beach.jpg"));
        Files.delete(src.resolve("2019/beach.jpg"));
        byte[] newPhoto = photo("2021/snow.jpg", 4);
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            assertThat(h.backup().succeeded()).isTrue();
            ForgetReport f = h.forget("cloud", false);
            assertThat(f.forgotten()).as("the first snapshot is locked").isZero();
            assertThat(f.locked()).isOne();
            assertThat(f.lockedUntil()).hasValueSatisfying(t -> assertThat(t).isAfter(t0.plus(DAYS_2).minusSeconds(60)));
            assertThat(names("snapshots/")).hasSize(2);
        }

        // a day and a half on: the kept snapshot's files are due, the forgotten one's are not extended
        Duration later = Duration.ofHours(36);
        try (Heirloom h = heirloom("vault", Clock.offset(Clock.systemUTC(), later))) {
            LockExtensionReport r = h.extendLocks("cloud");
            assertThat(r.complete()).as(r.problems().toString()).isTrue();
            assertThat(r.extended()).isEqualTo(r.files());
            Instant renewed = t0.plus(later).plus(DAYS_2);
            assertThat(lock(objectName(newPhoto))).hasValueSatisfying(t -> assertThat(t).isCloseTo(renewed, within(Duration.ofMinutes(1))));
            assertThat(lock(beach)).as("only the forgotten snapshot needs it")
                    .hasValueSatisfying(t -> assertThat(t).isCloseTo(t0.plus(DAYS_2), within(Duration.ofMinutes(1))));
            assertThat(lock("h/heirloom.json")).hasValueSatisfying(t -> assertThat(t).isCloseTo(renewed, within(Duration.ofMinutes(1))));
            assertThat(cloud(h).locks().lockedUntil()).hasValueSatisfying(t -> assertThat(t).isCloseTo(renewed, within(Duration.ofMinutes(1))));
        }

        // past the first locks: the forgotten snapshot goes, then prune frees what only it needed
        server.advanceClock(Duration.ofHours(50));
        try (Heirloom h = heirloom("vault", Clock.offset(Clock.systemUTC(), Duration.ofHours(50)))) {
            assertThat(h.forget("cloud", false).forgotten()).isOne();
            h.prune("cloud", Duration.ZERO, false);
            PruneReport p = h.prune("cloud", Duration.ZERO, false);
            assertThat(p.deleted()).isPositive();
            assertThat(p.locked()).isZero();
            assertThat(server.names("vault")).doesNotContain(beach).contains(objectName(newPhoto));
            assertThat(h.restore("cloud", Optional.empty(), dev.heirloom.restore.RestoreOptions.into(tmp.resolve("back"))).failed())
                    .isEmpty();
            assertThat(tmp.resolve("back/2021/snow.jpg")).hasBinaryContent(newPhoto);
        }
    }

    @Test
    void pruneLeavesALockedLeftoverAndSaysWhenItFrees() {
        Instant t0 = Instant.now();
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        // what a backup killed before its snapshot leaves: an object nothing references, locked
        byte[] orphan = new byte[1234];
        new Random(9).nextBytes(orphan);
        String hash = MultiDigest.sha256Hex(orphan);
        try (GcsTarget raw = (GcsTarget) new GcsTargetProvider().open(new TargetConfig(URI.create("gs://vault/h"), options()))) {
            raw.write("objects/" + hash.substring(0, 2) + "/" + hash, ContentSource.ofBytes(orphan),
                    WriteOptions.createIfAbsent(Checksums.sha256(hash)).withRetainUntil(t0.plus(DAYS_2)));
        }
        String name = "h/objects/" + hash.substring(0, 2) + "/" + hash;
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            h.prune("cloud", Duration.ZERO, false);
            PruneReport p = h.prune("cloud", Duration.ZERO, false);
            assertThat(p.deleted()).isZero();
            assertThat(p.locked()).isOne();
            assertThat(p.lockedBytes()).isEqualTo(orphan.length);
            assertThat(p.lockedUntil()).hasValueSatisfying(t -> assertThat(t).isCloseTo(t0.plus(DAYS_2), within(Duration.ofMinutes(1))));
            assertThat(server.names("vault")).contains(name);
        }
        server.advanceClock(Duration.ofDays(3));
        try (Heirloom h = heirloom("vault", Clock.offset(Clock.systemUTC(), Duration.ofDays(3)))) {
            PruneReport p = h.prune("cloud", Duration.ZERO, false);
            assertThat(p.locked()).isZero();
            assertThat(p.deleted()).isOne();
            assertThat(server.names("vault")).doesNotContain(name);
        }
    }

    @Test
    void contentFoundStoredIsLockedAgainForTheNewSnapshot() throws Exception {
        Instant t0 = Instant.now();
        try (Heirloom h = heirloom("vault", Clock.systemUTC())) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        String beach = objectOf(src.resolve("2019/beach.jpg"));
        Files.copy(src.resolve("2019/beach.jpg"), src.resolve("2019/beach-copy.jpg"));
        Duration later = Duration.ofHours(30);
        try (Heirloom h = heirloom("vault", Clock.offset(Clock.systemUTC(), later))) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        assertThat(lock(beach)).as("a new file with stored content relies on that object")
                .hasValueSatisfying(t -> assertThat(t).isCloseTo(t0.plus(later).plus(DAYS_2), within(Duration.ofMinutes(1))));
    }

    @Test
    void aBucketWithARetentionPolicyIsRefusedWithTheWayOut() {
        // it would keep lock files and verification records too: the first backup could not release its lock
        server.createBucketWithRetentionPolicy("kept", Duration.ofDays(1));
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://kept/h"), Medium.CLOUD, Site.OFFSITE, options())).build()) {
            dev.heirloom.BackupReport r = h.backup();
            assertThat(r.targets().get(0).succeeded()).isFalse();
            assertThat(r.targets().get(0).error()).hasValueSatisfying(e -> assertThat(e)
                    .contains("bucket kept has a retention policy").contains("object retention enabled"));
        }
        assertThat(server.names("kept")).as("nothing written").isEmpty();
    }

    @Test
    void aStoreThatCannotLockIsNeverCalledImmutable() throws Exception {
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new GcsTargetProvider()))
                .target(new TargetSpec("cloud", URI.create("gs://plain/h"), Medium.CLOUD, Site.OFFSITE, options()))
                .immutableDays("cloud", 30).build()) {
            assertThat(h.backup().succeeded()).as("the backup still runs, unlocked").isTrue();
            assertThat(server.names("plain")).allMatch(n -> server.retainUntil("plain", n).isEmpty());
            TargetStatus s = cloud(h);
            assertThat(s.locks().immutable()).isFalse();
            assertThat(s.locks().explanation()).contains("cannot lock objects");
            assertThatThrownBy(() -> h.extendLocks("cloud")).isInstanceOf(dev.heirloom.spi.InvalidConfigException.class)
                    .hasMessageContaining("cannot lock objects");
            dev.heirloom.schedule.JobResult job = dev.heirloom.schedule.JobAction.extendLocks().run(h);
            assertThat(job.status()).as("the scheduled job fails loudly").isEqualTo(dev.heirloom.schedule.JobStatus.FAILED);
            assertThat(job.summary()).contains("cannot lock objects");
        }
    }

    private static String objectName(byte[] content) {
        String hash = MultiDigest.sha256Hex(content);
        return "h/objects/" + hash.substring(0, 2) + "/" + hash;
    }

    private static String objectOf(Path file) throws Exception {
        return objectName(Files.readAllBytes(file));
    }
}
