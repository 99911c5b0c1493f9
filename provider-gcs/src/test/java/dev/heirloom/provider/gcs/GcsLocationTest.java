package dev.heirloom.provider.gcs;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two GCS targets are one place when they name the same service, bucket and prefix; bad values fail early. */
class GcsLocationTest {
    private final GcsTargetProvider provider = new GcsTargetProvider();

    private URI location(String uri, Map<String, String> options) {
        return provider.location(new TargetConfig(URI.create(uri), options)).orElseThrow();
    }

    @Test
    void theSameBucketAndPrefixIsOnePlace() {
        assertThat(location("gs://photos/family/", Map.of())).isEqualTo(location("gs://photos//family", Map.of()))
                .hasToString("gs://storage.googleapis.com:443/photos/family");
        assertThat(location("gs://photos/family", Map.of("endpoint", "http://127.0.0.1:4443")))
                .isEqualTo(location("gs://photos/family/", Map.of("endpoint", "http://127.0.0.1:4443/", "anonymous", "true")))
                .isNotEqualTo(location("gs://photos/family", Map.of("endpoint", "http://127.0.0.1:4444")));
        assertThat(location("gs://photos/other", Map.of())).isNotEqualTo(location("gs://photos/family", Map.of()));
    }

    @Test
    void badOptionValuesAreConfigurationErrors() {
        provider.validate(new TargetConfig(URI.create("gs://photos"), Map.of("anonymous", "true")));
        for (Map<String, String> bad : java.util.List.of(Map.of("anonymous", "yes please"),
                Map.of("storageClass", "frozen"), Map.of("chunkSizeMiB", "1000"), Map.of("concurrency", "x"),
                Map.of("maxTries", "0"), Map.of("endpoint", "127.0.0.1:4443"))) {
            assertThatThrownBy(() -> provider.validate(new TargetConfig(URI.create("gs://photos"), bad)))
                    .as(bad.toString()).isInstanceOf(InvalidConfigException.class);
        }
        assertThatThrownBy(() -> provider.validate(new TargetConfig(URI.create("gs:///x"), Map.of())))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("gs://BUCKET/PREFIX");
    }
}
