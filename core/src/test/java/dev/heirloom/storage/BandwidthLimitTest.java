package dev.heirloom.storage;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/** Upload and download limits hold the rate a target sees within 10 %, shared by its parallel transfers. */
class BandwidthLimitTest {
    private static final int KIB = 1024;

    @TempDir
    Path tmp;

    /** Counts the bytes of object writes to a target and when the first began and the last ended. */
    private static final class Timing {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong();

        InMemoryTarget watch(InMemoryTarget target) {
            doAnswer(inv -> {
                long start = System.nanoTime();
                Object info = inv.callRealMethod();
                if (inv.getArgument(0, String.class).startsWith(RepositoryLayout.OBJECTS)) {
                    first.accumulateAndGet(start, Math::min);
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                    bytes.addAndGet(inv.getArgument(1, ContentSource.class).size());
                }
                return info;
            }).when(target).write(anyString(), any(ContentSource.class), any(WriteOptions.class));
            return target;
        }

        double kibPerSecond() {
            return bytes.get() / 1024.0 / ((last.get() - first.get()) / 1e9);
        }
    }

    private final Timing usbTiming = new Timing();
    private final Timing cloudTiming = new Timing();
    private final InMemoryTarget usb = usbTiming.watch(spy(new InMemoryTarget()));
    private final InMemoryTarget cloud = cloudTiming.watch(spy(new InMemoryTarget()));

    private Path photos(int count, int size) {
        Path src = tmp.resolve("src");
        Random r = new Random(7);
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Trees.write(src, "2019/IMG_" + i + ".jpg", b);
        }
        return src;
    }

    private Heirloom.Builder builder(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> c.uri().getHost().equals("usb") ? usb : cloud)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE).threads(4);
    }

    @Test
    void aTargetsOwnUploadLimitHoldsAcrossItsParallelWrites() throws Exception {
        Path src = photos(16, 128 * KIB); // 2 MiB in 16 files written 4 at a time
        try (Heirloom h = builder(src).bandwidth("cloud", new Bandwidth(1024, 0)).build()) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        assertThat(cloudTiming.bytes.get()).isEqualTo(16 * 128 * KIB);
        assertThat(cloudTiming.kibPerSecond()).isCloseTo(1024.0, within(102.4));
    }

    @Test
    void aRunWideLimitIsSharedByEveryTarget() throws Exception {
        Path src = photos(8, 128 * KIB); // 1 MiB, sent to both targets: 2 MiB through one 1024 KiB/s limit
        try (Heirloom h = builder(src).bandwidth(new Bandwidth(1024, 0)).build()) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        double seconds = (Math.max(usbTiming.last.get(), cloudTiming.last.get())
                - Math.min(usbTiming.first.get(), cloudTiming.first.get())) / 1e9;
        assertThat((usbTiming.bytes.get() + cloudTiming.bytes.get()) / 1024.0 / seconds).isCloseTo(1024.0, within(102.4));
    }

    @Test
    void aDownloadLimitHoldsTheRestoreRate() throws Exception {
        Path src = photos(8, 256 * KIB); // 2 MiB
        try (Heirloom h = builder(src).build()) {
            assertThat(h.backup().succeeded()).isTrue();
        }
        try (Heirloom h = builder(src).bandwidth(new Bandwidth(0, 1024)).build()) {
            long start = System.nanoTime();
            assertThat(h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("back"))).complete()).isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            // the folder listings and the snapshot are read under the same limit
            assertThat(8 * 256 / seconds).isCloseTo(1024.0, within(102.4));
        }
        assertThat(Trees.read(tmp.resolve("back"))).isEqualTo(Trees.read(src));
    }

    @Test
    void aLimitForATargetThatIsNotConfiguredIsAConfigurationError() {
        Path src = photos(1, 10);
        assertThatThrownBy(() -> builder(src).bandwidth("attic", new Bandwidth(10, 10)).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'attic'");
        assertThatThrownBy(() -> new Bandwidth(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aThrottledStreamGivesEveryByte() throws Exception {
        byte[] data = new byte[300 * KIB];
        new Random(3).nextBytes(data);
        ByteRate rate = new ByteRate(100_000);
        try (InputStream in = rate.throttle(new java.io.ByteArrayInputStream(data))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }
}
