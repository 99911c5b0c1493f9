package dev.heirloom.compliance;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.FileCompliance;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
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

/** 3-2-1-1-0: one copy offline (or locked), and no error in the last verification of any counted copy. */
class ThreeTwoOneOneZeroTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = Map.of("usb", new InMemoryTarget(), "nas", new InMemoryTarget(),
            "cloud", new InMemoryTarget());

    private Heirloom heirloom(Path src, boolean usbOffline) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target(new TargetSpec("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE, Map.of(), usbOffline))
                .target("nas", URI.create("t://nas"), Medium.NAS, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .policy(Policy.threeTwoOneOneZero()).build();
    }

    private Path library() {
        Path src = tmp.resolve("src");
        Trees.write(src, "2019/beach.jpg", "the beach");
        Trees.write(src, "2019/dune.jpg", "the dune");
        return src;
    }

    @Test
    void withoutAnOfflineTargetThePlanSaysItCanNeverBeMet() throws Exception {
        try (Heirloom h = heirloom(library(), false)) {
            assertThat(h.whyPolicyUnreachable()).singleElement().asString()
                    .contains("no target is offline or locked against deletion").contains("offline: true");
            h.backup();
            for (String t : stores.keySet()) {
                h.verify(t, VerifyLevel.PRESENT, 100);
            }
            ComplianceReport c = h.compliance();
            assertThat(c.compliant()).isFalse();
            assertThat(c.shortFiles()).extracting(FileCompliance::offlineOrLocked).containsOnly(0);
        }
    }

    @Test
    void copiesCountOnceAVerificationFoundNoErrorAndStopCountingWhenOneFindsAnError() throws Exception {
        Path src = library();
        try (Heirloom h = heirloom(src, true)) {
            assertThat(h.whyPolicyUnreachable()).isEmpty();
            ComplianceReport first = h.backup().compliance();
            assertThat(first.compliant()).as("nothing verified yet: zero errors is not proven").isFalse();
            assertThat(first.shortFiles().get(0).notCounted()).anyMatch(n -> n.startsWith("usb (never verified"));

            for (String t : stores.keySet()) {
                assertThat(h.verify(t, VerifyLevel.CONTENT, 100).clean()).isTrue();
            }
            ComplianceReport verified = h.compliance();
            assertThat(verified.compliant()).isTrue();
            assertThat(verified.policy()).hasToString("3-2-1-1-0");

            // a damaged copy on the offline disk: its verification error takes the whole disk out of the count
            String beach = RepositoryLayout.objectKey(MultiDigest.sha256Hex("the beach".getBytes(StandardCharsets.UTF_8)));
            stores.get("usb").corrupt(beach, "the bEach".getBytes(StandardCharsets.UTF_8));
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).badCount()).isEqualTo(1);
            ComplianceReport damaged = h.compliance();
            assertThat(damaged.compliant()).isFalse();
            assertThat(damaged.nonCompliantFiles()).as("the dune is intact on usb, but usb found an error").isEqualTo(2);
            assertThat(damaged.shortFiles()).allSatisfy(f -> assertThat(f.offlineOrLocked()).isZero());
            assertThat(damaged.shortFiles()).filteredOn(f -> f.path().equals("2019/beach.jpg")).singleElement()
                    .satisfies(f -> assertThat(f.notCounted()).containsExactly("usb (failed verification)"));
            assertThat(damaged.shortFiles()).filteredOn(f -> f.path().equals("2019/dune.jpg")).singleElement()
                    .satisfies(f -> assertThat(f.notCounted()).singleElement().asString()
                            .startsWith("usb (its last verification (content, ").endsWith("found 1 error(s); 3-2-1-1-0 needs zero)"));

            // repaired: the error is gone from the record and the disk counts again
            assertThat(h.repair("usb", VerifyLevel.CONTENT).healed()).isTrue();
            assertThat(h.compliance().compliant()).isTrue();

            // an error on a copy that is not the offline one fails the rule as well
            stores.get("cloud").delete(beach);
            assertThat(h.verify("cloud", VerifyLevel.PRESENT, 100).badCount()).isEqualTo(1);
            ComplianceReport cloudBad = h.compliance();
            assertThat(cloudBad.compliant()).isFalse();
            assertThat(cloudBad.shortFiles()).allSatisfy(f -> assertThat(f.offsite()).isZero());
        }
    }
}
