package dev.heirloom.source;

import dev.heirloom.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MediaFilterTest {
    @TempDir
    Path tmp;

    @Test
    void mediaGroupsCoverPhotosRawVideosAndSidecars() {
        MediaFilter.Compiled f = MediaFilter.photosAndVideos().compile();
        for (String photo : List.of("a.jpg", "b.JPEG", "c.heic", "d.HEIF", "e.png", "f.gif", "g.webp", "h.tif", "i.tiff",
                "j.dng", "k.CR2", "l.cr3", "m.nef", "n.arw", "o.orf", "p.rw2", "q.raf")) {
            assertThat(f.mediaTypeOf("x/" + photo)).as(photo).contains("photo");
        }
        for (String video : List.of("a.mp4", "b.MOV", "c.m4v", "d.avi", "e.mkv", "f.mts", "g.m2ts", "h.3gp")) {
            assertThat(f.mediaTypeOf(video)).as(video).contains("video");
        }
        assertThat(f.mediaTypeOf("a.xmp")).contains("sidecar");
        assertThat(f.mediaTypeOf("IMG_1.AAE")).contains("sidecar");
        assertThat(f.mediaTypeOf("notes.txt")).isEmpty();
        assertThat(f.mediaTypeOf("jpg")).isEmpty();
    }

    @Test
    void excludeAndIncludeGlobs() {
        MediaFilter.Compiled f = MediaFilter.photosAndVideos().excluding("**/.thumbnails/**").including("**/*.pdf").compile();
        assertThat(f.mediaTypeOf("2020/.thumbnails/a.jpg")).isEmpty();
        assertThat(f.excludesDir("2020/.thumbnails")).isFalse();
        assertThat(f.mediaTypeOf("scans/letter.pdf")).contains("other");
        assertThat(f.mediaTypeOf("letter.pdf")).contains("other");
        MediaFilter.Compiled dirs = MediaFilter.photosAndVideos().excluding("**/.thumbnails").compile();
        assertThat(dirs.excludesDir("2020/.thumbnails")).isTrue();
        assertThat(dirs.excludesDir(".thumbnails")).isTrue();
    }

    @Test
    void listerSkipsLitterAndSymlinksAndSortsByName() throws Exception {
        Trees.write(tmp, "b.jpg", "b");
        Trees.write(tmp, "a.jpg", "a");
        Trees.write(tmp, ".DS_Store", "x");
        Trees.write(tmp, "Thumbs.db", "x");
        Trees.write(tmp, "._a.jpg", "x");
        Files.createDirectories(tmp.resolve("@eaDir/sub"));
        Files.createSymbolicLink(tmp.resolve("link.jpg"), tmp.resolve("a.jpg"));
        List<SourceProblem> problems = new ArrayList<>();
        List<SourceEntry> entries = new SourceLister(false, problems::add).list(tmp);
        assertThat(entries).extracting(SourceEntry::name).containsExactly("a.jpg", "b.jpg");
        assertThat(problems).isEmpty();
    }

    @Test
    void anUnlistableFolderIsReportedNotFatal() {
        List<SourceProblem> problems = new ArrayList<>();
        assertThat(new SourceLister(false, problems::add).list(tmp.resolve("missing"))).isEmpty();
        assertThat(problems).singleElement().extracting(SourceProblem::reason).asString().contains("cannot list folder");
    }
}
