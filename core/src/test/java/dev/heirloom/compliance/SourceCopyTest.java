package dev.heirloom.compliance;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The source is a copy only of the files it still holds as the snapshot recorded them. */
class SourceCopyTest {
    @TempDir
    Path tmp;

    private final Map<String, InMemoryTarget> stores = Map.of("usb", new InMemoryTarget(), "cloud", new InMemoryTarget());

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .policy(Policy.threeTwoOne()).build();
    }

    @Test
    void aFileDeletedOrChangedInTheSourceHasOneCopyLessAndTheStatusSaysWhy() throws Exception {
        Path src = tmp.resolve("Pictures");
        Trees.write(src, "a.jpg", "photo a");
        Path b = Trees.write(src, "b.jpg", "photo b");
        Path c = Trees.write(src, "c.jpg", "photo c");
        try (Heirloom h = heirloom(src)) {
            assertThat(h.backup().compliance().compliant()).isTrue();
            assertThat(h.status().compliance().compliant()).as("nothing changed since").isTrue();

            Files.delete(b);
            Files.writeString(c, "photo C, edited");
            ComplianceReport now = h.status().compliance();
            assertThat(now.compliant()).isFalse();
            assertThat(now.compliantFiles()).isEqualTo(1);
            assertThat(now.shortFiles()).extracting(f -> f.path()).containsExactlyInAnyOrder("b.jpg", "c.jpg");
            assertThat(now.shortFiles()).allSatisfy(f -> {
                assertThat(f.copies()).isEqualTo(2);
                assertThat(f.notCounted()).singleElement().asString().contains("deleted or changed");
            });
        }
    }

    @Test
    void aSourceFolderThatIsGoneIsNoCopyAtAll() throws Exception {
        Path src = tmp.resolve("Pictures");
        Trees.write(src, "a.jpg", "photo a");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            Files.delete(src.resolve("a.jpg"));
            Files.delete(src);
            ComplianceReport now = h.status().compliance();
            assertThat(now.compliant()).isFalse();
            assertThat(now.shortFiles()).singleElement().satisfies(f -> assertThat(f.copies()).isEqualTo(2));
        }
    }
}
