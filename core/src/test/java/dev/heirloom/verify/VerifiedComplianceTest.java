package dev.heirloom.verify;

import dev.heirloom.Heirloom;
import dev.heirloom.MutableClock;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With a verification requirement, only copies that passed a recent enough verification count toward 3-2-1. */
class VerifiedComplianceTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = Map.of("usb", new InMemoryTarget(), "nas", new InMemoryTarget(),
            "cloud", new InMemoryTarget());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nas", URI.create("t://nas"), Medium.NAS, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .policy(Policy.threeTwoOne()).clock(clock)
                .requireVerified(VerifyLevel.CONTENT, Duration.ofDays(30)).build();
    }

    @Test
    void onlyRecentlyVerifiedGoodCopiesCount() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo a");
        Trees.write(src, "b.jpg", "photo b");
        try (Heirloom h = heirloom(src)) {
            ComplianceReport unverified = h.backup().compliance();
            assertThat(unverified.compliant()).isFalse();
            assertThat(unverified.shortFiles()).allSatisfy(f -> {
                assertThat(f.copies()).isEqualTo(1);
                assertThat(f.notCounted()).hasSize(3).allSatisfy(n -> assertThat(n).contains("not verified recently enough"));
            });

            for (String t : new String[] {"usb", "nas", "cloud"}) {
                assertThat(h.verify(t, VerifyLevel.CONTENT, 100).clean()).isTrue();
            }
            assertThat(h.compliance().compliant()).isTrue();

            stores.get("cloud").corrupt(RepositoryLayout.objectKey(MultiDigest.sha256Hex("photo b".getBytes(StandardCharsets.UTF_8))),
                    "photo B".getBytes(StandardCharsets.UTF_8));
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).badCount()).isEqualTo(1);
            ComplianceReport afterDamage = h.compliance();
            assertThat(afterDamage.shortFiles()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("b.jpg");
                assertThat(f.offsite()).isZero();
                assertThat(f.notCounted()).containsExactly("cloud (failed verification)");
            });

            assertThat(h.repair("cloud", VerifyLevel.CONTENT).healed()).isTrue();
            assertThat(h.verify("cloud", VerifyLevel.CONTENT, 100).clean()).isTrue();
            assertThat(h.compliance().compliant()).isTrue();

            clock.advance(Duration.ofDays(31));
            assertThat(h.compliance().compliant()).as("verifications older than 30 days no longer count").isFalse();
        }
    }
}
