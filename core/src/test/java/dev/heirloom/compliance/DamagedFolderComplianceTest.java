package dev.heirloom.compliance;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.DamagedFolder;
import dev.heirloom.policy.FileCompliance;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder record (tree) a target cannot give back is reported, by folder and target, and the
 * files under it never count as copies there; a folder no target can give back leaves its files
 * uncounted, so the policy is not met however few copies it asks for.
 */
class DamagedFolderComplianceTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = Map.of("usb", new InMemoryTarget(), "cloud", new InMemoryTarget());

    private Heirloom heirloom(Path src, Policy policy) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .policy(policy).build();
    }

    private Path library() {
        Path src = tmp.resolve("Pictures");
        Trees.write(src, "2020/beach.jpg", "the beach");
        Trees.write(src, "2021/trip/alps.jpg", "the alps");
        Trees.write(src, "2021/trip/lake.jpg", "the lake");
        return src;
    }

    /** The hash of the tree at a folder path in the store's only snapshot. */
    private String treeAt(String store, String path) {
        Repository repo = new Repository(stores.get(store));
        String hash = repo.snapshots().get(0).root();
        for (String part : path.split("/")) {
            hash = repo.trees().get(hash).entry(part).orElseThrow().tree();
        }
        return hash;
    }

    @Test
    void aFolderRecordMissingOnTheNewestTargetIsNamedAndItsFilesAreNotCountedThere() {
        try (Heirloom h = heirloom(library(), Policy.threeTwoOne())) {
            assertThat(h.backup().compliance().compliant()).isTrue();
            String trip = treeAt("usb", "2021/trip");
            stores.get("usb").delete(RepositoryLayout.treeKey(trip));

            ComplianceReport now = h.status().compliance();

            assertThat(now.compliant()).isFalse();
            assertThat(now.totalFiles()).as("the cloud's copy of the record lets every file be counted").isEqualTo(3);
            assertThat(now.damagedFolders()).singleElement().satisfies(d -> {
                assertThat(d.path()).isEqualTo("2021/trip");
                assertThat(d.tree()).isEqualTo(trip);
                assertThat(d.readable()).isTrue();
                assertThat(d.damagedOn()).singleElement().asString().startsWith("usb: ").contains("missing");
            });
            assertThat(now.shortFiles()).extracting(FileCompliance::path)
                    .containsExactlyInAnyOrder("2021/trip/alps.jpg", "2021/trip/lake.jpg");
            assertThat(now.shortFiles()).allSatisfy(f -> {
                assertThat(f.heldBy()).containsExactly("source", "cloud");
                assertThat(f.notCounted()).singleElement().asString().startsWith("usb (");
            });
        }
    }

    @Test
    void aFolderRecordMissingOnATargetThatIsNotTheNewestIsFoundToo() {
        try (Heirloom h = heirloom(library(), Policy.threeTwoOne())) {
            h.backup();
            String root = new Repository(stores.get("cloud")).snapshots().get(0).root();
            stores.get("cloud").delete(RepositoryLayout.treeKey(root));

            ComplianceReport now = h.status().compliance();

            assertThat(now.compliant()).as("the cloud can give back none of the files").isFalse();
            assertThat(now.damagedFolders()).singleElement().satisfies(d -> {
                assertThat(d.path()).isEmpty();
                assertThat(d.damagedOn()).singleElement().asString().startsWith("cloud: ");
            });
            assertThat(now.nonCompliantFiles()).isEqualTo(3);
        }
    }

    @Test
    void filesBelowADamagedFolderRecordAreNotCountedOnThatTargetEither() {
        try (Heirloom h = heirloom(library(), Policy.threeTwoOne())) {
            h.backup();
            String year = treeAt("usb", "2021");
            stores.get("usb").corrupt(RepositoryLayout.treeKey(year), "{}".getBytes(StandardCharsets.UTF_8));

            ComplianceReport now = h.status().compliance();

            assertThat(now.damagedFolders()).extracting(DamagedFolder::path).containsExactly("2021");
            assertThat(now.shortFiles()).extracting(FileCompliance::path)
                    .containsExactlyInAnyOrder("2021/trip/alps.jpg", "2021/trip/lake.jpg");
            assertThat(now.shortFiles()).allSatisfy(f -> assertThat(f.notCounted()).singleElement().asString()
                    .startsWith("usb (").contains("'2021' above"));
        }
    }

    @Test
    void aFolderRecordNoTargetCanGiveBackMeansNotMetEvenWhenTheSourceAloneWouldDo() {
        try (Heirloom h = heirloom(library(), new Policy(1, 1, 0))) {
            h.backup();
            String trip = treeAt("usb", "2021/trip");
            stores.values().forEach(s -> s.delete(RepositoryLayout.treeKey(trip)));

            ComplianceReport now = h.status().compliance();

            assertThat(now.totalFiles()).as("the files under it cannot be counted").isEqualTo(1);
            assertThat(now.compliantFiles()).isEqualTo(1);
            assertThat(now.allFoldersReadable()).isFalse();
            assertThat(now.compliant()).as("never MET with files nobody can count").isFalse();
            assertThat(now.damagedFolders()).singleElement().satisfies(d -> {
                assertThat(d.readable()).isFalse();
                assertThat(d.damagedOn()).hasSize(2);
            });
        }
    }

    @Test
    void aFolderRecordVerifyFoundMissingIsNotCountedAndAfterwardsStatusAndBackupStillAnswer() {
        try (Heirloom h = heirloom(library(), Policy.threeTwoOne())) {
            h.backup();
            String trip = treeAt("usb", "2021/trip");
            stores.get("usb").delete(RepositoryLayout.treeKey(trip));
            assertThat(h.verify("usb", VerifyLevel.PRESENT, 100).badCount()).isEqualTo(1);

            assertThat(h.status().compliance().damagedFolders()).singleElement()
                    .satisfies(d -> assertThat(d.damagedOn()).singleElement().asString().contains("verification"));
            ComplianceReport afterBackup = h.backup().compliance();
            assertThat(afterBackup.compliant()).as("verify's record still stands until repair or verify says otherwise")
                    .isFalse();
            assertThat(afterBackup.shortFiles()).extracting(FileCompliance::path)
                    .containsExactlyInAnyOrder("2021/trip/alps.jpg", "2021/trip/lake.jpg");
        }
    }
}
