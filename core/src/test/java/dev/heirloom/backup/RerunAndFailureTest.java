package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.tck.memory.InMemoryTargetProvider;
import dev.heirloom.plan.CopyPlan;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

class RerunAndFailureTest {
    @TempDir
    Path tmp;

    private final String id = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void drop() {
        for (String n : List.of("a", "b", "c")) {
            InMemoryTargetProvider.drop(n + id);
        }
    }

    private Heirloom.Builder builder(Path source) {
        return Heirloom.builder()
                .source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new InMemoryTargetProvider()))
                .retryPolicy(RetryPolicy.none())
                .threads(4);
    }

    @Test
    void anUnchangedRerunOverFiftyThousandFilesReadsNothingAndWritesOnlySnapshots() throws Exception {
        Path source = tmp.resolve("library");
        for (int d = 0; d < 100; d++) {
            Path dir = Files.createDirectories(source.resolve(String.format("%d/%02d", 2000 + d / 12, d % 12)));
            for (int f = 0; f < 500; f++) {
                Files.writeString(dir.resolve("IMG_" + f + ".jpg"), "photo " + d + "/" + f);
            }
        }
        AtomicLong readDuringRerun = new AtomicLong();
        try (Heirloom h = builder(source)
                .target("a", URI.create("mem://a" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("b", URI.create("mem://b" + id), Medium.CLOUD, Site.OFFSITE)
                .build()) {
            BackupReport first = h.backup();
            assertThat(first.succeeded()).isTrue();
            assertThat(first.stats().files()).isEqualTo(50_000);
            assertThat(first.stats().filesRead()).isEqualTo(50_000);

            InMemoryTarget a = InMemoryTargetProvider.store("a" + id);
            InMemoryTarget b = InMemoryTargetProvider.store("b" + id);
            long writesA = a.writeCount();
            long writesB = b.writeCount();

            BackupReport rerun = h.backup(new ProgressListener() {
                @Override
                public void bytesRead(long count) {
                    readDuringRerun.addAndGet(count);
                }
            });
            assertThat(rerun.succeeded()).isTrue();
            assertThat(rerun.stats().files()).isEqualTo(50_000);
            assertThat(rerun.stats().filesRead()).isZero();
            assertThat(rerun.stats().bytesRead()).isZero();
            assertThat(readDuringRerun.get()).isZero();
            assertThat(rerun.stats().unchanged()).isEqualTo(50_000);
            for (InMemoryTarget t : List.of(a, b)) {
                assertThat(t.list("locks/", java.util.Optional.empty(), 10).objects()).as("the run's lock is released").isEmpty();
            }
            assertThat(a.writeCount() - writesA).as("the snapshot file, and the transient lock file").isEqualTo(2);
            assertThat(b.writeCount() - writesB).as("the snapshot file, and the transient lock file").isEqualTo(2);
            assertThat(rerun.targets()).allSatisfy(t -> assertThat(t.bytesWritten()).isZero());
            assertThat(rerun.targets()).allSatisfy(t -> {
                assertThat(t.objectsWritten()).isZero();
                assertThat(t.treesWritten()).isZero();
                assertThat(t.snapshot()).isPresent();
            });
        }
    }

    @Test
    void threeOnsiteTargetsAreToldBeforeCopyingAndStillBackedUp() {
        Path source = tmp.resolve("src");
        Trees.write(source, "x/1.jpg", "one");
        try (Heirloom h = builder(source)
                .target("a", URI.create("mem://a" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("b", URI.create("mem://b" + id), Medium.NAS, Site.ONSITE)
                .target("c", URI.create("mem://c" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .build()) {
            CopyPlan plan = h.plan();
            assertThat(plan.unreachable()).anySatisfy(r -> assertThat(r).contains("no offsite target"));
            assertThat(plan.targets()).allSatisfy(t -> {
                assertThat(t.objectsToCopy()).isEqualTo(1);
                assertThat(t.bytesToCopy()).isEqualTo(3);
            });
            assertThat(InMemoryTargetProvider.store("a" + id).writeCount()).as("a plan writes nothing").isZero();
            assertThat(plan.describe()).contains("can NOT be met", "no offsite target");

            BackupReport report = h.backup();
            assertThat(report.targets()).allSatisfy(t -> assertThat(t.snapshot()).isPresent());
            ComplianceReport compliance = report.compliance();
            assertThat(compliance.compliant()).isFalse();
            assertThat(compliance.unreachable()).isNotEmpty();
            assertThat(compliance.shortFiles()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("x/1.jpg");
                assertThat(f.copies()).isEqualTo(4);
                assertThat(f.offsite()).isZero();
            });
        }
    }

    /** Targets whose content writes fail, as a full or broken disk would. */
    private static StorageTarget broken(TargetConfig config) {
        InMemoryTarget target = spy(new InMemoryTarget());
        doThrow(new StorageException("simulated I/O error on the disk"))
                .when(target).write(startsWith("objects/"), any(ContentSource.class), any(WriteOptions.class));
        return target;
    }

    @Test
    void oneFailingTargetDoesNotStopTheOthers() {
        Path source = tmp.resolve("src");
        Trees.write(source, "2021/a.jpg", "a");
        Trees.write(source, "2021/b.jpg", "b");
        try (Heirloom h = builder(source)
                .registry(ProviderRegistry.of(new InMemoryTargetProvider(), new TestProvider("broken", RerunAndFailureTest::broken)))
                .target("a", URI.create("mem://a" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("bad", URI.create("broken://x"), Medium.CLOUD, Site.OFFSITE)
                .target("c", URI.create("mem://c" + id), Medium.NAS, Site.ONSITE)
                .build()) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isFalse();
            assertThat(report.targets()).filteredOn(t -> t.name().equals("bad")).singleElement().satisfies(t -> {
                assertThat(t.snapshot()).isEmpty();
                assertThat(t.error()).get().asString().contains("simulated I/O error");
            });
            assertThat(report.targets()).filteredOn(t -> !t.name().equals("bad"))
                    .hasSize(2).allSatisfy(t -> assertThat(t.snapshot()).isPresent());
            ComplianceReport compliance = report.compliance();
            assertThat(compliance.nonCompliantFiles()).isEqualTo(2);
            assertThat(compliance.shortFiles()).extracting(f -> f.path()).containsExactlyInAnyOrder("2021/a.jpg", "2021/b.jpg");
            assertThat(compliance.shortFiles()).allSatisfy(f -> {
                assertThat(f.copies()).isEqualTo(3);
                assertThat(f.offsite()).as("the only offsite target failed").isZero();
                assertThat(f.heldBy()).containsExactly("source", "a", "c");
            });
        }
    }

    @Test
    void anUnavailableTargetIsReportedAndTheRestComplete() {
        Path source = tmp.resolve("src");
        Trees.write(source, "p.jpg", "p");
        try (Heirloom h = builder(source)
                .target("a", URI.create("mem://a" + id), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nameless", URI.create("mem:///"), Medium.CLOUD, Site.OFFSITE)
                .build()) {
            BackupReport report = h.backup();
            assertThat(report.targets()).extracting(t -> t.name() + ":" + t.succeeded())
                    .containsExactly("a:true", "nameless:false");
            assertThat(report.compliance().unavailable()).containsExactly("nameless");
        }
    }

    @Test
    void whenNoTargetCanBeOpenedNothingIsReadForNothing() {
        Path source = tmp.resolve("src");
        Trees.write(source, "p.jpg", "p");
        try (Heirloom h = builder(source).target("nameless", URI.create("mem:///"), Medium.CLOUD, Site.OFFSITE).build()) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isFalse();
            assertThat(report.targets()).singleElement().satisfies(t -> assertThat(t.error()).isPresent());
            assertThat(report.stats().bytesRead()).as("the library is not read when nothing can store it").isZero();
        }
    }

    @Test
    void aFileEditedBetweenHashingAndCopyingIsStoredAsItsNewContent() throws Exception {
        Path source = tmp.resolve("src");
        Path video = Trees.write(source, "big.mp4", new byte[300_000]);
        InMemoryTarget delegate = InMemoryTarget.withoutStaging();
        StorageTargetProvider editing = new TestProvider("editing", config -> {
            InMemoryTarget t = spy(delegate);
            org.mockito.Mockito.doAnswer(inv -> {
                if (Files.size(video) == 300_000) {
                    byte[] changed = new byte[300_000];
                    changed[0] = 1;
                    Files.write(video, changed);
                }
                return inv.callRealMethod();
            }).when(t).write(startsWith("objects/"), any(ContentSource.class), any(WriteOptions.class));
            return t;
        });
        try (Heirloom h = builder(source)
                .smallFileLimit(1000)
                .registry(ProviderRegistry.of(editing))
                .target("e", URI.create("editing://x"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .build()) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            Path out = tmp.resolve("out");
            h.restore("e", java.util.Optional.empty(), dev.heirloom.restore.RestoreOptions.into(out));
            assertThat(Files.readAllBytes(out.resolve("big.mp4"))).isEqualTo(Files.readAllBytes(video));
            assertThat(Files.readAllBytes(out.resolve("big.mp4"))[0]).isEqualTo((byte) 1);
            assertThat(delegate.list("objects/", java.util.Optional.empty(), 10).objects())
                    .extracting(ObjectInfo::size).containsExactly(300_000L);
        }
    }

    @Test
    void aFileEditedWhileStagedIsStagedAgainAndStoredAsItsNewContent() throws Exception {
        Path source = tmp.resolve("src");
        Path video = Trees.write(source, "big.mp4", new byte[300_000]);
        InMemoryTarget delegate = new InMemoryTarget();
        java.util.concurrent.atomic.AtomicInteger stages = new java.util.concurrent.atomic.AtomicInteger();
        StorageTargetProvider editing = new TestProvider("editing", config -> {
            InMemoryTarget t = spy(delegate);
            org.mockito.Mockito.doAnswer(inv -> {
                ContentSource content = inv.getArgument(1);
                if (stages.incrementAndGet() > 1) {
                    return inv.callRealMethod();
                }
                // the first read sees the old bytes, then the file is saved again under the reader
                try (InputStream in = content.open()) {
                    in.readNBytes(100_000);
                    byte[] changed = new byte[300_000];
                    changed[0] = 1;
                    Files.write(video, changed);
                    Files.setLastModifiedTime(video, java.nio.file.attribute.FileTime.from(
                            java.time.Instant.now().plusSeconds(5)));
                    in.readAllBytes();
                }
                return new InMemoryTarget().stage(inv.getArgument(0), ContentSource.ofBytes(new byte[300_000]));
            }).when(t).stage(any(String.class), any(ContentSource.class));
            return t;
        });
        try (Heirloom h = builder(source)
                .smallFileLimit(1000)
                .registry(ProviderRegistry.of(editing))
                .target("e", URI.create("editing://x"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .build()) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).isTrue();
            assertThat(stages.get()).as("staged again after the change").isEqualTo(2);
            Path out = tmp.resolve("out");
            h.restore("e", java.util.Optional.empty(), dev.heirloom.restore.RestoreOptions.into(out));
            assertThat(Files.readAllBytes(out.resolve("big.mp4"))[0]).isEqualTo((byte) 1);
            assertThat(delegate.list("objects/", java.util.Optional.empty(), 10).objects())
                    .extracting(ObjectInfo::size).containsExactly(300_000L);
        }
    }

    @Test
    void policyCountsOffsiteAndMedia() {
        assertThat(Policy.threeTwoOne().isMetBy(3, 2, 1, 0)).isTrue();
        assertThat(Policy.threeTwoOne().isMetBy(3, 1, 1, 0)).isFalse();
        assertThat(Policy.threeTwoOne().isMetBy(2, 2, 1, 0)).isFalse();
        assertThat(Policy.threeTwoOne().isMetBy(3, 2, 0, 0)).isFalse();
        assertThat(Policy.threeTwoOneOneZero().isMetBy(3, 2, 1, 0)).isFalse();
        assertThat(Policy.threeTwoOneOneZero().isMetBy(3, 2, 1, 1)).isTrue();
        assertThat(Policy.parse("3-2-1-1-0")).isEqualTo(Policy.threeTwoOneOneZero());
        assertThat(Policy.parse("3-2-1")).isEqualTo(Policy.threeTwoOne());
        assertThat(Policy.threeTwoOneOneZero()).hasToString("3-2-1-1-0");
    }
}
