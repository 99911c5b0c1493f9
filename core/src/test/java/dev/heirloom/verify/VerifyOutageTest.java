package dev.heirloom.verify;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/** A target that stops answering during a verification is unverified, never damaged. */
class VerifyOutageTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = spy(new InMemoryTarget());
    private final Map<String, InMemoryTarget> stores = Map.of("usb", usb, "nas", new InMemoryTarget(),
            "cloud", new InMemoryTarget());
    private final AtomicBoolean down = new AtomicBoolean();

    private Heirloom heirloom(Path src) {
        doAnswer(inv -> {
            if (down.get() && inv.getArgument(0, String.class).startsWith(RepositoryLayout.OBJECTS)) {
                throw new TargetUnavailableException("connection reset by the NAS", null);
            }
            return inv.callRealMethod();
        }).when(usb).read(anyString(), anyLong(), anyLong());
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> stores.get(c.uri().getHost()))))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("nas", URI.create("t://nas"), Medium.NAS, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE)
                .policy(Policy.threeTwoOne()).retryPolicy(RetryPolicy.none()).threads(2).build();
    }

    @Test
    void anOutageDuringAContentCheckRecordsNothingAndCopiesKeepCounting() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 20; i++) {
            Trees.write(src, "2020/IMG_" + i + ".jpg", "photo " + i);
        }
        try (Heirloom h = heirloom(src)) {
            assertThat(h.backup().compliance().compliant()).isTrue();
            down.set(true);
            assertThatThrownBy(() -> h.verify("usb", VerifyLevel.CONTENT, 100))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("became unreachable during verification")
                    .hasMessageContaining("nothing was recorded");
            assertThat(usb.stat(RepositoryLayout.lastVerification("content"))).as("no record of a check that did not happen")
                    .isEmpty();
            assertThat(h.status().compliance().compliant()).as("an unreachable copy is unverified, not damaged").isTrue();

            down.set(false);
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
    }
}
