package dev.heirloom.schedule;

import dev.heirloom.spi.DurationText;

import java.time.Duration;

/** Reads and writes the short durations used in schedules and configurations: {@code 90s}, {@code 30m}, {@code 6h}, {@code 7d}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Reads a whole number followed by {@code s}, {@code m}, {@code h} or {@code d}.
     *
     * @throws IllegalArgumentException otherwise, with an example of the expected form
     */
    public static Duration parse(String text) {
        return DurationText.parse(text);
    }

    /** Writes a duration in the largest unit that divides it, e.g. {@code 2h} or {@code 90s}. */
    public static String format(Duration d) {
        return DurationText.format(d);
    }
}
