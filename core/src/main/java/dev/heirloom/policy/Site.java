package dev.heirloom.policy;

import java.util.Locale;

/** Where a copy is kept relative to the home of the original; the 3-2-1 rule wants one copy offsite. */
public enum Site {
    /** In the same building as the originals: a fire or a burglary takes both. */
    ONSITE,
    /** Somewhere else: survives what happens to the home. */
    OFFSITE;

    /** The configuration spelling: {@code onsite} or {@code offsite}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration spelling, in any case. */
    public static Site parse(String label) {
        for (Site s : values()) {
            if (s.name().equalsIgnoreCase(label.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown site '" + label + "'; use onsite or offsite");
    }
}
