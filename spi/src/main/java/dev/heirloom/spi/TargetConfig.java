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
    /** Copies the options; the URI is required. */
    public TargetConfig {
        Objects.requireNonNull(uri, "uri");
        options = Map.copyOf(options);
    }

    /** A target at a URI with no options. */
    public static TargetConfig of(URI uri) {
        return new TargetConfig(uri, Map.of());
    }

    /** An option's value as written, empty when not set. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /**
     * A whole-number option.
     *
     * @throws InvalidConfigException when it is not a number from {@code min} to {@code max}
     */
    public int intOption(String name, int fallback, int min, int max) {
        Optional<String> raw = option(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw.get().trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidConfigException("option " + name + " must be a whole number from " + min + " to " + max);
    }

    /**
     * A duration option, written as everywhere in Heirloom ({@code 30s}, {@code 2m}, {@code 6h},
     * {@code 7d}; see {@link DurationText}); a bare whole number is read as seconds, as older
     * configurations wrote it.
     *
     * @throws InvalidConfigException when it is not a duration from {@code min} to {@code max}
     */
    public java.time.Duration durationOption(String name, java.time.Duration fallback, java.time.Duration min,
                                             java.time.Duration max) {
        Optional<String> raw = option(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        String text = raw.get().trim();
        java.time.Duration d;
        try {
            d = text.matches("\\d{1,9}") ? java.time.Duration.ofSeconds(Long.parseLong(text)) : DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("option " + name + ": " + e.getMessage());
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new InvalidConfigException("option " + name + " must be from " + DurationText.format(min) + " to "
                    + DurationText.format(max) + ", not " + text);
        }
        return d;
    }

    /**
     * A yes/no option ({@code true}/{@code false}, {@code yes}/{@code no}).
     *
     * @throws InvalidConfigException for any other value
     */
    public boolean booleanOption(String name, boolean fallback) {
        Optional<String> raw = option(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new InvalidConfigException("option " + name + " must be true or false");
        };
    }

    @Override
    public String toString() {
        return "TargetConfig[uri=" + uri + ", options=" + new TreeMap<>(options).keySet() + "]";
    }
}
