package dev.heirloom.restore;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A file that is mostly zeros (a sparse disk image, a pre-allocated recording) restores with holes. */
class SparseRestoreTest {
    @TempDir
    Path tmp;

    private static long allocated(Path p) throws Exception {
        Process du = new ProcessBuilder("du", "--block-size=1", p.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(du.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    @Test
    void zerosComeBackAsHolesAndTheBytesAreTheSame() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path image = src.resolve("disk.mp4");
        long size = 64L << 20;
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
            f.seek(0);
            f.write("start".getBytes(StandardCharsets.UTF_8));
            f.seek(size / 2 + 123);
            f.write("middle".getBytes(StandardCharsets.UTF_8));
            // the file ends in zeros: the hole runs to its end
        }
        InMemoryTarget usb = new InMemoryTarget();
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
            assertThat(h.backup().succeeded()).isTrue();
            Path back = tmp.resolve("back");
            RestoreReport r = h.restore("usb", Optional.empty(), RestoreOptions.into(back));
            assertThat(r.filesRestored()).isEqualTo(1);
            Path restored = back.resolve("disk.mp4");
            assertThat(Files.size(restored)).isEqualTo(size);
            assertThat(Files.mismatch(restored, image)).isEqualTo(-1);
            assertThat(allocated(restored)).as("allocated bytes of a 64 MiB file of zeros and 11 bytes")
                    .isLessThan(1L << 20);
        }
    }
}
