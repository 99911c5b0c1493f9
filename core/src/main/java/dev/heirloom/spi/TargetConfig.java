package dev.heirloom.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a provider needs to open a target: its URI and provider-specific options.
 * {@link #toString()} shows option names only, never values, since options may hold secrets.
 *
 * @param uri     location, e.g. {@code file:///media/usb/heirloom}; never carries a password
 * @param options provider options by {@link OptionSpec#name()}
 */
public record TargetConfig(URI uri, Map<String, String> options) {
    public TargetConfig {
        Objects.requireNonNull(uri, "uri");
        options = Map.copyOf(options);
    }

    public static TargetConfig of(URI uri) {
        return new TargetConfig(uri, Map.of());
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    @Override
    public String toString() {
        return "TargetConfig[uri=" + uri + ", options=" + new TreeMap<>(options).keySet() + "]";
    }
}
