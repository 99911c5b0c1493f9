package dev.heirloom;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;
import java.util.function.Function;

/** A provider for tests: a scheme and a function from configuration to target. */
public record TestProvider(String scheme, Function<TargetConfig, StorageTarget> opener) implements StorageTargetProvider {
    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        return opener.apply(config);
    }
}
