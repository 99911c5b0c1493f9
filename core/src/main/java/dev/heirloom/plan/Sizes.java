package dev.heirloom.plan;

import java.util.Locale;

/** Formats byte counts for people (binary units). */
public final class Sizes {
    private Sizes() {
    }

    /** A byte count for people, in binary units: {@code 512 B}, {@code 3.4 MiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
