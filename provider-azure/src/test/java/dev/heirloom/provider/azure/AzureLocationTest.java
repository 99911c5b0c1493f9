package dev.heirloom.provider.azure;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two Azure targets are one place when they name the same account, container and prefix, however
 * the credentials are given; a bad option value is a configuration error before anything opens.
 */
class AzureLocationTest {
    private static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private final AzureTargetProvider provider = new AzureTargetProvider();

    private URI location(String uri, Map<String, String> options) {
        return provider.location(new TargetConfig(URI.create(uri), options)).orElseThrow();
    }

    @Test
    void theSameAccountContainerAndPrefixIsOnePlaceWhateverTheCredentials() {
        URI byKey = location("azure://photos/family", Map.of("connectionString",
                "DefaultEndpointsProtocol=https;AccountName=ann;AccountKey=" + KEY + ";EndpointSuffix=core.windows.net"));
        URI bySas = location("azure://photos/family/", Map.of("endpoint", "https://ANN.blob.core.windows.net/",
                "sasToken", "sv=2024&sig=abc"));
        assertThat(byKey).isEqualTo(bySas).hasToString("azure://ann.blob.core.windows.net:443/photos/family");
        assertThat(byKey.toString()).doesNotContain(KEY).doesNotContain("sig");
        assertThat(location("azure://photos/other", Map.of("endpoint", "https://ann.blob.core.windows.net")))
                .isNotEqualTo(byKey);
        assertThat(location("azure://photos/family", Map.of("endpoint", "https://bob.blob.core.windows.net")))
                .isNotEqualTo(byKey);
    }

    @Test
    void azuritesPathStyleAccountIsPartOfThePlace() {
        URI dev = location("azure://photos", Map.of("connectionString", "UseDevelopmentStorage=true"));
        URI explicit = location("azure://photos", Map.of("connectionString", "DefaultEndpointsProtocol=http;"
                + "AccountName=devstoreaccount1;AccountKey=" + KEY + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"));
        assertThat(dev).isEqualTo(explicit).hasToString("azure://127.0.0.1:10000/devstoreaccount1/photos");
    }

    @Test
    void badOptionValuesAreConfigurationErrorsThatKeepSecretsOut() {
        Map<String, String> ok = Map.of("endpoint", "https://ann.blob.core.windows.net");
        provider.validate(new TargetConfig(URI.create("azure://photos"), ok));
        for (Map<String, String> bad : java.util.List.of(
                Map.of("endpoint", "https://ann.blob.core.windows.net", "maxTries", "many"),
                Map.of("endpoint", "https://ann.blob.core.windows.net", "accessTier", "frozen"),
                Map.of("endpoint", "https://ann.blob.core.windows.net", "createContainer", "sometimes"),
                Map.of("endpoint", "https://ann.blob.core.windows.net", "blockSizeMiB", "0"),
                Map.of("endpoint", "ann.blob.core.windows.net?sig=" + KEY),
                Map.<String, String>of())) {
            assertThatThrownBy(() -> provider.validate(new TargetConfig(URI.create("azure://photos"), bad)))
                    .as(bad.toString()).isInstanceOf(InvalidConfigException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
        }
        assertThatThrownBy(() -> provider.validate(new TargetConfig(URI.create("azure:///x"), ok)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("azure://CONTAINER/PREFIX");
    }
}
