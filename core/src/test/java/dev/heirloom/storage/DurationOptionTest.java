package dev.heirloom.storage;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provider durations are written as everywhere else (30s, 2m, 6h, 7d); a bare number stays seconds. */
class DurationOptionTest {
    private static Duration timeout(String value) {
        return new TargetConfig(URI.create("sftp://nas/photos"), Map.of("connectTimeout", value))
                .durationOption("connectTimeout", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1));
    }

    @Test
    void theShortFormsAndBareSecondsAreRead() {
        assertThat(timeout("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(timeout("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(timeout("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(timeout("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TargetConfig.of(URI.create("sftp://nas/photos"))
                .durationOption("connectTimeout", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1)))
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void anythingElseOrOutOfRangeIsAConfigurationError() {
        assertThatThrownBy(() -> timeout("2 minutes")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("connectTimeout").hasMessageContaining("90s, 30m");
        assertThatThrownBy(() -> timeout("2d")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("from 1s to 1h");
        assertThatThrownBy(() -> timeout("0s")).isInstanceOf(InvalidConfigException.class);
    }
}
