package dev.heirloom.backup;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.testservers.MediaSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A backup records the capture date of each photo and video it reads, and reads no unchanged file to get one. */
class CaptureDateBackupTest {
    @TempDir
    Path tmp;

    private TreeEntry backUpAndFind(SourceSpec spec, Repository repo, String name) {
        BackupEngine.Result r = new BackupEngine(spec, List.of(new BackupEngine.Destination("usb", repo)),
                new BackupEngine.Options(2, 16 << 20, false, "host", Clock.systemUTC(), 0), ProgressListener.NONE).run();
        assertThat(r.targets().get(0).succeeded()).isTrue();
        Snapshot latest = repo.latest(spec.label()).orElseThrow();
        return repo.trees().get(latest.root()).entry(name).orElseThrow();
    }

    @Test
    void theDateIsRecordedFromTheReadAndCarriedForUnchangedFiles() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        Path photo = MediaSamples.datedJpeg(src.resolve("IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        Files.writeString(src.resolve("IMG_0001.AAE"), "<plist>2019:07:14 15:30:00 is an edit, not a photo</plist>");
        SourceSpec spec = SourceSpec.of(src);
        Repository repo = new Repository(new InMemoryTarget());

        assertThat(backUpAndFind(spec, repo, "IMG_0001.jpg").captured()).isEqualTo("2019-07-14T15:30:00");
        assertThat(backUpAndFind(spec, repo, "IMG_0001.AAE").captured()).as("only photos and videos").isNull();

        // the EXIF date changes in place, size and modification time kept: the file looks unchanged,
        // so the next backup must not read it (its entry keeps the recorded date)
        FileTime mtime = Files.getLastModifiedTime(photo);
        byte[] bytes = Files.readAllBytes(photo);
        String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = latin1.indexOf("2019:07:14 15:30:00");
        assertThat(at).isPositive();
        System.arraycopy("2018".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 4);
        Files.write(photo, bytes);
        Files.setLastModifiedTime(photo, mtime);
        assertThat(backUpAndFind(spec, repo, "IMG_0001.jpg").captured()).isEqualTo("2019-07-14T15:30:00");

        // once it is seen to change, it is read, and the date read again
        Files.setLastModifiedTime(photo, FileTime.fromMillis(mtime.toMillis() + 2000));
        assertThat(backUpAndFind(spec, repo, "IMG_0001.jpg").captured()).isEqualTo("2018-07-14T15:30:00");
    }
}
