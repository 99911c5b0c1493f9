package dev.heirloom.policy;

import java.util.Locale;

/** The kind of medium a copy lives on; the 3-2-1 rule wants at least two kinds. Always stated by the user, never guessed. */
public enum Medium {
    /** A disk inside the computer that holds the originals. */
    INTERNAL_DISK,
    /** A disk plugged in for backups (USB, Thunderbolt). */
    EXTERNAL_DISK,
    /** Network storage in the home. */
    NAS,
    /** A cloud storage service. */
    CLOUD,
    /** Optical discs (M-DISC, Blu-ray). */
    OPTICAL,
    /** Tape. */
    TAPE;

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
