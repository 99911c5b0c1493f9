package dev.heirloom.restore;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/** A restore without a named target reads every copy: one down, one missing an object, one damaged, and nothing is lost. */
class FallbackRestoreTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = spy(new InMemoryTarget());
    private final InMemoryTarget nas = new InMemoryTarget();
    private final InMemoryTarget cloud = new InMemoryTarget();
    private final Map<String, InMemoryTarget> stores = Map.of("usb", usb, "nas", nas, "cloud", cloud);
    private final AtomicBoolean usbDown = new AtomicBoolean();
    private final AtomicBoolean usbObjectsDown = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger usbObjectReads = new java.util.concurrent.atomic.AtomicInteger();

    private Heirloom.Builder builder(Path src) {
        doAnswer(inv -> {
            boolean object = inv.getArgument(0, String.class).startsWith(RepositoryLayout.OBJECTS);
            if (object) {
                usbObjectReads.incrementAndGet();
            }
            if (usbDown.get() || (object && usbObjectsDown.get())) {
                throw new TargetUnavailableException("the USB disk is unplugged", null);
            }
            return inv.callRealMethod();
        }).when(usb).read(anyString(), anyLong(), anyLong());
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nas", URI.create("t://nas"), Medium.NAS, Site.ONSITE)
                .policy(Policy.threeTwoOne()).retryPolicy(RetryPolicy.none()).threads(2);
    }

    private static String sha(String s) {
        return MultiDigest.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }

    private Path library() {
        Path src = tmp.resolve("src");
        Trees.write(src, "2019/IMG_0001.jpg", "first photo");
        Trees.write(src, "2019/IMG_0002.jpg", "second photo");
        Trees.write(src, "2020/IMG_0003.jpg", "third photo");
        return src;
    }

    @Test
    void onsiteCopiesComeFirstAndEachFileFallsBackToTheNextCopyThatHasItIntact() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src).build()) {
            assertThat(h.backup().compliance().compliant()).isTrue();
            nas.delete(RepositoryLayout.objectKey(sha("second photo")));
            usb.corrupt(RepositoryLayout.objectKey(sha("second photo")), "second phot0".getBytes(StandardCharsets.UTF_8));
            usb.delete(RepositoryLayout.objectKey(sha("third photo")));
            String root = h.snapshots("usb").get(0).root();
            String lost = usb.list(RepositoryLayout.TREES, Optional.empty(), 100).objects().stream()
                    .map(o -> o.key()).filter(k -> !k.endsWith(root)).findFirst().orElseThrow();
            usb.delete(lost);

            RestoreReport r = h.restore(Optional.empty(), RestoreOptions.into(tmp.resolve("back")));
            assertThat(r.complete()).as(r.failed().toString()).isTrue();
            assertThat(Trees.read(tmp.resolve("back"))).isEqualTo(Trees.read(src));
            assertThat(r.servedBy()).as("usb and nas (onsite) before cloud, though cloud is configured first")
                    .containsExactly(Map.entry("usb", 1L), Map.entry("nas", 1L), Map.entry("cloud", 1L));
            assertThat(r.fallbacks()).as("a folder listing usb lost came from nas")
                    .anySatisfy(f -> assertThat(f).contains("(folder listing): from nas"));
            assertThat(r.fallbacks().stream().filter(f -> !f.contains("folder listing"))).containsExactlyInAnyOrder(
                    "2019/IMG_0002.jpg: from cloud (usb: the stored copy is corrupt (expected sha256 " + sha("second photo")
                            + ", got " + sha("second phot0") + "); nas: missing)",
                    "2020/IMG_0003.jpg: from nas (usb: missing)");
        }
    }

    @Test
    void anUnreachableTargetIsLeftOutAndTheOthersServeEverythingInTheConfiguredOrder() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src).restoreOrder(List.of("nas", "usb")).build()) {
            h.backup();
            usbDown.set(true);
            nas.delete(RepositoryLayout.objectKey(sha("first photo")));
            RestoreReport r = h.restore(Optional.of("latest"), RestoreOptions.into(tmp.resolve("back")));
            assertThat(r.complete()).as(r.failed().toString()).isTrue();
            assertThat(Trees.read(tmp.resolve("back"))).isEqualTo(Trees.read(src));
            assertThat(r.servedBy()).as("usb could not even be opened").containsExactly(Map.entry("nas", 2L),
                    Map.entry("cloud", 1L));
            assertThat(r.fallbacks()).hasSize(2);
            assertThat(r.fallbacks().get(0)).startsWith("usb: not reachable (").contains("unplugged");
            assertThat(r.fallbacks().get(1)).isEqualTo("2019/IMG_0001.jpg: from cloud (nas: missing)");
        }
    }

    @Test
    void aTargetLostDuringTheRestoreIsNotAskedAgain() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 40; i++) {
            Trees.write(src, "2019/IMG_" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = builder(src).build()) {
            h.backup();
            usbObjectsDown.set(true);
            usbObjectReads.set(0);
            RestoreReport r = h.restore(Optional.empty(), RestoreOptions.into(tmp.resolve("back")));
            assertThat(r.complete()).as(r.failed().toString()).isTrue();
            assertThat(Trees.read(tmp.resolve("back"))).isEqualTo(Trees.read(src));
            assertThat(r.servedBy()).containsExactly(Map.entry("usb", 0L), Map.entry("nas", 40L), Map.entry("cloud", 0L));
            assertThat(usbObjectReads.get()).as("asked until it failed, by the files already under way")
                    .isLessThanOrEqualTo(RestoreOptions.into(tmp).threads());
            assertThat(r.fallbacks()).as("said once, not for each of the 40 files")
                    .hasSizeLessThanOrEqualTo(1 + RestoreOptions.into(tmp).threads())
                    .anySatisfy(f -> assertThat(f).startsWith("usb: became unreachable during the restore (")
                            .contains("unplugged"));
        }
    }

    @Test
    void aFileNoCopyCanGiveBackIsAFailureNamingEveryCopy() throws Exception {
        Path src = library();
        try (Heirloom h = builder(src).build()) {
            h.backup();
            for (InMemoryTarget t : stores.values()) {
                t.delete(RepositoryLayout.objectKey(sha("third photo")));
            }
            RestoreReport r = h.restore(Optional.empty(), RestoreOptions.into(tmp.resolve("back")));
            assertThat(r.complete()).isFalse();
            assertThat(r.filesRestored()).isEqualTo(2);
            assertThat(r.failed()).singleElement().asString()
                    .isEqualTo("2020/IMG_0003.jpg: usb: missing; nas: missing; cloud: missing; no copy could give it back");
            assertThatThrownBy(() -> builder(src).restoreOrder(List.of("attic")).build())
                    .hasMessageContaining("'attic', which is not a configured target");
        }
    }

    @Test
    void withNoTargetReachableTheRestoreSaysSoAndWritesNothing() throws Exception {
        Path src = library();
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> {
                    throw new TargetUnavailableException("no route to " + c.uri().getHost(), null);
                })))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .retryPolicy(RetryPolicy.none()).build()) {
            assertThatThrownBy(() -> h.restore(Optional.empty(), RestoreOptions.into(tmp.resolve("back"))))
                    .isInstanceOf(StorageException.class).hasMessageContaining("no target can be read")
                    .hasMessageContaining("usb: not reachable");
        }
    }
}
