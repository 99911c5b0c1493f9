package dev.heirloom.source;

import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick count sees what a backup would take: the same filter, litter left out. */
class SourceCountTest {
    @TempDir
    Path tmp;

    @Test
    void countsTheFilesABackupWouldTake() {
        Path src = tmp.resolve("src");
        Trees.write(src, "2019/IMG_1.jpg", "12345");
        Trees.write(src, "2019/VID_1.mp4", "1234567890");
        Trees.write(src, "2019/notes.txt", "not a photo");
        Trees.write(src, "2019/.DS_Store", "litter");
        Trees.write(src, "2019/.thumbnails/IMG_1.jpg", "thumb");
        MediaFilter filter = MediaFilter.photosAndVideos().excluding("**/.thumbnails/**");
        SourceCount c = SourceCount.of(new SourceSpec(src, filter, Medium.INTERNAL_DISK, Site.ONSITE, null, false), () -> false);
        assertThat(c).isEqualTo(new SourceCount(2, 15));
        assertThat(SourceCount.of(new SourceSpec(src, filter, Medium.INTERNAL_DISK, Site.ONSITE, null, false), () -> true))
                .as("stopped before the first folder").isEqualTo(new SourceCount(0, 0));
    }
}
