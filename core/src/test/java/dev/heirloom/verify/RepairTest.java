package dev.heirloom.verify;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RepairTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final InMemoryTarget cloud = new InMemoryTarget();

    private Heirloom heirloom(Path source) {
        return Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> c.uri().getHost().equals("usb") ? usb : cloud)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE).build();
    }

    private static String key(String content) {
        return RepositoryLayout.objectKey(MultiDigest.sha256Hex(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aDamagedCopyIsHealedFromTheSourceAndAMissingOneFromAnotherTarget() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2019/beach.jpg", "the beach");
        Trees.write(src, "2019/deleted-since.jpg", "only in the backups now");
        Trees.write(src, "2019/keep.jpg", "untouched");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            Files.delete(src.resolve("2019/deleted-since.jpg"));
            usb.corrupt(key("the beach"), "the bEach".getBytes(StandardCharsets.UTF_8));
            usb.delete(key("only in the backups now"));
            long writesBefore = usb.writeCount();

            RepairReport report = h.repair("usb", VerifyLevel.CONTENT);
            assertThat(report.verify().badCount()).isEqualTo(2);
            assertThat(report.healed()).isTrue();
            assertThat(report.repaired()).extracting(RepairReport.Repaired::from)
                    .containsExactlyInAnyOrder("source:2019/beach.jpg", "target:cloud");
            assertThat(usb.writeCount() - writesBefore)
                    .as("the two bad objects, the verify state, the healed taken off it, and two transient locks")
                    .isEqualTo(2 + 1 + 1 + 2);
            assertThat(usb.list("locks/", java.util.Optional.empty(), 10).objects()).as("the lock is released").isEmpty();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }

    @Test
    void aMissingFolderRecordIsHealedThenWhatItHidBelowAndStatusCountsTheCopyAgain() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "2021/trip/alps.jpg", "the alps");
        Trees.write(src, "2021/trip/lake.jpg", "the lake");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            String trip = new dev.heirloom.repository.Repository(cloud).trees().get(new dev.heirloom.repository.Repository(cloud)
                    .trees().get(new dev.heirloom.repository.Repository(cloud).snapshots().get(0).root()).entry("2021")
                    .orElseThrow().tree()).entry("trip").orElseThrow().tree();
            usb.delete(RepositoryLayout.treeKey(trip));
            usb.delete(key("the alps"));
            assertThat(h.verify("usb", VerifyLevel.PRESENT, 100).badCount()).as("the object below is hidden").isEqualTo(1);
            assertThat(h.status().compliance().compliant()).isFalse();

            RepairReport report = h.repair("usb", VerifyLevel.PRESENT);

            assertThat(report.repaired()).extracting(RepairReport.Repaired::hash)
                    .containsExactly(trip, MultiDigest.sha256Hex("the alps".getBytes(StandardCharsets.UTF_8)));
            assertThat(report.healed()).isTrue();
            assertThat(h.status().compliance().compliant()).as("counted again without another verify").isTrue();
            assertThat(h.status().compliance().damagedFolders()).isEmpty();
        }
    }

    @Test
    void moreDamagedObjectsThanOneVerificationListsAreAllHealed() throws Exception {
        Path src = tmp.resolve("src");
        int photos = 1_010;
        for (int i = 0; i < photos; i++) {
            Trees.write(src, "many/IMG_" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = heirloom(src)) {
            h.backup();
            for (int i = 0; i < photos; i++) {
                usb.delete(key("photo " + i));
            }
            RepairReport report = h.repair("usb", VerifyLevel.PRESENT);
            assertThat(report.verify().badCount()).isEqualTo(photos);
            assertThat(report.repaired()).hasSize(photos);
            assertThat(report.remaining()).isZero();
            assertThat(report.healed()).isTrue();
            assertThat(h.verify("usb", VerifyLevel.PRESENT, 100).badCount()).as("nothing left behind").isZero();
        }
    }

    @Test
    void repairWritesUnderALockSoAPruneCannotRunBetweenVerifyAndCopy() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "precious");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            usb.delete(key("precious"));
            InMemoryTarget watched = org.mockito.Mockito.spy(usb);
            java.util.List<Integer> locksAtRepair = new java.util.ArrayList<>();
            org.mockito.Mockito.doAnswer(inv -> {
                if (inv.getArgument(0, String.class).startsWith("objects/")) {
                    locksAtRepair.add(usb.list("locks/", java.util.Optional.empty(), 10).objects().size());
                }
                return inv.callRealMethod();
            }).when(watched).write(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.any(),
                    org.mockito.ArgumentMatchers.any());
            try (Heirloom spied = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                    .registry(ProviderRegistry.of(new TestProvider("t", c -> c.uri().getHost().equals("usb") ? watched : cloud)))
                    .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                    .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE).build()) {
                assertThat(spied.repair("usb", VerifyLevel.PRESENT).healed()).isTrue();
            }
            assertThat(locksAtRepair).as("a lock file is held while the object is copied back").singleElement()
                    .satisfies(n -> assertThat(n).isPositive());
        }
    }

    @Test
    void anObjectWithNoGoodCopyAnywhereIsReportedLost() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "precious");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            Files.delete(src.resolve("a.jpg"));
            usb.delete(key("precious"));
            cloud.corrupt(key("precious"), "pREcious".getBytes(StandardCharsets.UTF_8));
            RepairReport report = h.repair("usb", VerifyLevel.PRESENT);
            assertThat(report.healed()).isFalse();
            assertThat(report.lost()).singleElement().satisfies(b -> assertThat(b.paths()).singleElement().asString().endsWith(":a.jpg"));
            assertThat(usb.stat(key("precious"))).as("a corrupt copy was not spread").isEmpty();
        }
    }
}
