package dev.heirloom.policy;

import java.util.Locale;

/** Where a copy is kept relative to the home of the original; the 3-2-1 rule wants one copy offsite. */
public enum Site {
    ONSITE, OFFSITE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Site parse(String label) {
        for (Site s : values()) {
            if (s.name().equalsIgnoreCase(label.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown site '" + label + "'; use onsite or offsite");
    }
}
