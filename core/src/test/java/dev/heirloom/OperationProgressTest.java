package dev.heirloom;

import dev.heirloom.progress.OperationProgress;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Restore and verify tell a listener their total first, then what they went through, adding up to it. */
class OperationProgressTest {
    @TempDir
    Path tmp;

    /** Adds up what it hears. */
    private static final class Tally implements OperationProgress {
        final AtomicLong totalItems = new AtomicLong(-1);
        final AtomicLong totalBytes = new AtomicLong(-1);
        final AtomicLong items = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void total(long i, long b) {
            assertThat(items.get()).as("the total comes first").isZero();
            totalItems.set(i);
            totalBytes.set(b);
        }

        @Override
        public void done(long i, long b) {
            items.addAndGet(i);
            bytes.addAndGet(b);
        }
    }

    @Test
    void restoreAndVerifyAddUpToTheirTotals() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 7; i++) {
            Trees.write(src, "2019/IMG_" + i + ".jpg", "photo number " + i);
        }
        InMemoryTarget usb = new InMemoryTarget();
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build()) {
            h.backup();
            Tally restore = new Tally();
            assertThat(h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("back")), restore).complete()).isTrue();
            assertThat(restore.totalItems.get()).isEqualTo(7);
            assertThat(restore.items.get()).isEqualTo(7);
            assertThat(restore.bytes.get()).isEqualTo(restore.totalBytes.get()).isEqualTo(7 * "photo number 0".length());

            Tally verify = new Tally();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100, verify).clean()).isTrue();
            assertThat(verify.totalItems.get()).isEqualTo(7);
            assertThat(verify.items.get()).isEqualTo(7);
            assertThat(verify.bytes.get()).isEqualTo(verify.totalBytes.get());

            Tally present = new Tally();
            h.verify("usb", VerifyLevel.PRESENT, 100, present);
            assertThat(present.items.get()).isEqualTo(present.totalItems.get()).isEqualTo(7);
        }
    }
}
