package dev.heirloom.verify;

import java.util.Locale;

/** How thoroughly to check a target, cheapest first. */
public enum VerifyLevel {
    /** Every object named by a snapshot exists with the right size (a listing, no reads). */
    PRESENT,
    /** Every object is read back in full and its SHA-256 compared with its name. */
    CONTENT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VerifyLevel parse(String value) {
        for (VerifyLevel l : values()) {
            if (l.label().equalsIgnoreCase(value.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown verification level '" + value + "'; use present or content");
    }
}
