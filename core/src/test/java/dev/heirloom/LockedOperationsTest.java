package dev.heirloom;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLock;
import dev.heirloom.repository.RepositoryLockedException;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.StorageException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/** Restore takes a shared lock, so a prune (exclusive) can never delete what it is reading. */
class LockedOperationsTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = spy(new InMemoryTarget());

    private Heirloom heirloom(Path src) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE).build();
    }

    @Test
    void restoreWaitsForNoPruneAndHoldsALockWhileReading() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            try (RepositoryLock prune = RepositoryLock.acquire(h.repository("usb"), true, "prune", "other-host",
                    Clock.systemUTC())) {
                assertThatThrownBy(() -> h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out"))))
                        .isInstanceOf(RepositoryLockedException.class).hasMessageContaining("prune on other-host");
            }
            assertThat(tmp.resolve("out/a.jpg")).doesNotExist();
            h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out")));
            assertThat(Files.readString(tmp.resolve("out/a.jpg"))).isEqualTo("photo");
            assertThat(usb.list("locks/", Optional.empty(), 10).objects()).as("released").isEmpty();
        }
    }

    @Test
    void aVerifyRefusedByALockLeavesNothingRunning() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            try (RepositoryLock prune = RepositoryLock.acquire(h.repository("usb"), true, "prune", "other-host",
                    Clock.systemUTC())) {
                assertThatThrownBy(() -> h.verify("usb", dev.heirloom.verify.VerifyLevel.PRESENT, 100))
                        .isInstanceOf(RepositoryLockedException.class);
            }
            // a stop signal (Ctrl-C) waits for the running operation: none may be left marked as running
            assertThat(h.cancelAndWait(java.time.Duration.ofMillis(200))).isTrue();
        }
    }

    @Test
    void aReadOnlyRepositoryIsStillRestoredWithoutALock() throws Exception {
        Path src = tmp.resolve("src");
        Trees.write(src, "a.jpg", "photo");
        try (Heirloom h = heirloom(src)) {
            h.backup();
            doAnswer(inv -> {
                throw new StorageException("read-only file system");
            }).when(usb).write(anyString(), any(), any());
            h.restore("usb", Optional.empty(), RestoreOptions.into(tmp.resolve("out")));
            assertThat(Files.readString(tmp.resolve("out/a.jpg"))).isEqualTo("photo");
        }
    }
}
