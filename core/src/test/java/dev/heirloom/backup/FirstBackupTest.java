package dev.heirloom.backup;

import dev.heirloom.repository.Repository;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

/**
 * A first backup to an empty repository writes its new objects without asking first whether each
 * is there (over SFTP or to a cloud, a round trip per file); a later one asks, and content seen
 * twice is stored once either way.
 */
class FirstBackupTest {
    @TempDir
    Path tmp;

    private BackupEngine.Result backUp(Path src, InMemoryTarget target) {
        return new BackupEngine(SourceSpec.of(src), List.of(new BackupEngine.Destination("usb", new Repository(target))),
                new BackupEngine.Options(2, 16 << 20, false, "host", Clock.systemUTC(), 0), ProgressListener.NONE).run();
    }

    @Test
    void anEmptyRepositoryIsNotAskedForEachNewObjectAndDuplicatesAreStoredOnce() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(src.resolve("IMG_" + i + ".xmp"), "<x:xmpmeta rating='" + i + "'/>");
        }
        Files.writeString(src.resolve("IMG_copy.xmp"), "<x:xmpmeta rating='3'/>");
        InMemoryTarget target = spy(new InMemoryTarget());

        BackupEngine.Result first = backUp(src, target);

        // 21 files: only the copy, whose write found its content there, is looked up (to check its size)
        verify(target, atMost(1)).stat(startsWith("objects/"));
        TargetResult usb = first.targets().get(0);
        assertThat(usb.succeeded()).isTrue();
        assertThat(usb.objectsWritten()).isEqualTo(20);
        assertThat(usb.objectsPresent()).as("the copy's content was stored once").isEqualTo(1);

        clearInvocations(target);
        Files.writeString(src.resolve("IMG_new.xmp"), "<x:xmpmeta rating='99'/>");
        BackupEngine.Result second = backUp(src, target);

        verify(target, atLeastOnce()).stat(startsWith("objects/"));
        assertThat(second.targets().get(0).objectsWritten()).isEqualTo(1);
    }
}
