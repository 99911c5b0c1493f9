package dev.heirloom.policy;

import java.util.Locale;

/** The kind of medium a copy lives on; the 3-2-1 rule wants at least two kinds. Always stated by the user, never guessed. */
public enum Medium {
    INTERNAL_DISK, EXTERNAL_DISK, NAS, CLOUD, OPTICAL, TAPE;

    /** The configuration spelling, e.g. {@code external-disk}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a configuration spelling such as {@code external-disk}. */
    public static Medium parse(String label) {
        for (Medium m : values()) {
            if (m.label().equalsIgnoreCase(label.trim()) || m.name().equalsIgnoreCase(label.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown medium '" + label + "'; use one of internal-disk, external-disk, nas, cloud, optical, tape");
    }
}
