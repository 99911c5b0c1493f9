package dev.heirloom.backup;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Files that cannot be read are reported; the run goes on and stores everything else. */
class SourceProblemsTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget store = new InMemoryTarget();

    private Heirloom heirloom(Path source) {
        return Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("t", URI.create("t://x"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .threads(1).build();
    }

    @Test
    void unreadableAndVanishedFilesAreReportedAndTheRestIsBackedUp() throws Exception {
        Path source = tmp.resolve("src");
        Trees.write(source, "a/keep.jpg", "keep me");
        Path unreadable = Trees.write(source, "a/unreadable.jpg", "will turn into a folder");
        Path vanishing = Trees.write(source, "a/vanishing.jpg", "will be deleted");
        Trees.write(source, "b/also-kept.mp4", "video");
        List<SourceProblem> seen = new CopyOnWriteArrayList<>();
        ProgressListener sabotage = new ProgressListener() {
            @Override
            public void fileFound(String path, long size) {
                try {
                    if (path.equals("a/unreadable.jpg")) {
                        Files.delete(unreadable);
                        Files.createDirectory(unreadable);
                    } else if (path.equals("a/vanishing.jpg")) {
                        Files.delete(vanishing);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void problem(SourceProblem problem) {
                seen.add(problem);
            }
        };
        try (Heirloom h = heirloom(source)) {
            BackupReport report = h.backup(sabotage);
            assertThat(report.problemCount()).isEqualTo(2);
            assertThat(report.succeeded()).as("skipped files make the run a partial success").isFalse();
            assertThat(report.targets()).allSatisfy(t -> assertThat(t.snapshot()).isPresent());
            assertThat(report.problems()).extracting(p -> p.path().getFileName().toString() + ": " + p.reason())
                    .anySatisfy(s -> assertThat(s).startsWith("unreadable.jpg: cannot read"))
                    .anySatisfy(s -> assertThat(s).startsWith("vanishing.jpg: vanished"));
            assertThat(seen).hasSize(2);
            Path out = tmp.resolve("out");
            h.restore("t", Optional.empty(), RestoreOptions.into(out));
            assertThat(Trees.read(out)).containsOnlyKeys("a/keep.jpg", "b/also-kept.mp4");
        }
    }

    @Test
    void symbolicLinksAreNotFollowedByDefault() throws Exception {
        Path source = tmp.resolve("src");
        Trees.write(source, "real/photo.jpg", "photo");
        Path elsewhere = Trees.write(tmp, "elsewhere/secret.jpg", "outside the source");
        Files.createSymbolicLink(source.resolve("link.jpg"), elsewhere);
        Files.createSymbolicLink(source.resolve("linked-folder"), elsewhere.getParent());
        try (Heirloom h = heirloom(source)) {
            BackupReport report = h.backup();
            assertThat(report.stats().files()).isEqualTo(1);
            assertThat(report.problemCount()).isZero();
        }
    }

    @Test
    void followedLinksThatLoopAreReportedNotWalkedForever() throws Exception {
        Path source = tmp.resolve("src");
        Trees.write(source, "album/photo.jpg", "photo");
        Files.createSymbolicLink(source.resolve("album/loop"), source.resolve("album"));
        try (Heirloom h = Heirloom.builder()
                .source(new dev.heirloom.source.SourceSpec(source, MediaFilter.photosAndVideos(), Medium.INTERNAL_DISK,
                        Site.ONSITE, null, true))
                .registry(ProviderRegistry.of(new TestProvider("t", c -> store)))
                .target("t", URI.create("t://x"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
            BackupReport report = h.backup();
            assertThat(report.stats().files()).isEqualTo(1);
            assertThat(report.problems()).singleElement().extracting(SourceProblem::reason).asString().contains("loops back");
        }
    }
}
