package dev.heirloom;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same URI with the same options given twice is one copy, whatever the provider can tell. */
class SameTargetTest {
    @TempDir
    Path tmp;

    /** A provider with one option and no way to tell its location. */
    private static final StorageTargetProvider PROVIDER = new StorageTargetProvider() {
        @Override
        public String scheme() {
            return "t";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(OptionSpec.optional("account", "which account"));
        }

        @Override
        public StorageTarget open(TargetConfig config) {
            return new InMemoryTarget();
        }
    };

    private Heirloom.Builder builder() {
        return Heirloom.builder().source(tmp, MediaFilter.photosAndVideos()).registry(ProviderRegistry.of(PROVIDER));
    }

    @Test
    void theSameTargetUnderTwoNamesIsRefused() {
        assertThatThrownBy(() -> builder()
                .target(new TargetSpec("nas", URI.create("t://box/photos"), Medium.NAS, Site.ONSITE, Map.of("account", "1")))
                .target(new TargetSpec("cloud", URI.create("t://box/photos"), Medium.CLOUD, Site.OFFSITE, Map.of("account", "1")))
                .build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("targets nas and cloud are the same place");
    }

    @Test
    void otherOptionsMayBeAnotherPlace() {
        // e.g. the same container name in two cloud accounts: without a location from the provider, not refused
        try (Heirloom h = builder()
                .target(new TargetSpec("a", URI.create("t://box/photos"), Medium.CLOUD, Site.OFFSITE, Map.of("account", "1")))
                .target(new TargetSpec("b", URI.create("t://box/photos"), Medium.CLOUD, Site.OFFSITE, Map.of("account", "2")))
                .build()) {
            assertThat(h.targets()).hasSize(2);
        }
    }
}
