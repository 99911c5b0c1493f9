package dev.heirloom.spi;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Heirloom writes them everywhere, in the configuration, the command line and
 * provider options: a whole number followed by {@code s}, {@code m}, {@code h} or {@code d}
 * ({@code 30s}, {@code 2m}, {@code 6h}, {@code 7d}).
 */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*([smhd])");

    private DurationText() {
    }

    /**
     * Reads a duration.
     *
     * @throws IllegalArgumentException for anything else, with an example of the expected form
     */
    public static Duration parse(String text) {
        Matcher m = SHORT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\" (write e.g. 90s, 30m, 6h or 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Writes a duration in the largest unit that divides it, e.g. {@code 2h} or {@code 90s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
