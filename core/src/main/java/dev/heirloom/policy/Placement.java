package dev.heirloom.policy;

import java.util.Objects;

/**
 * Where one copy lives: the source or a named target, its medium and its site, and whether it is
 * kept offline (a disk unplugged between backups, out of reach of a mistake or ransomware on the
 * computer) or locked (a store that refuses to delete or overwrite it, whatever the credentials).
 *
 * @param name    {@code source} or the target's name
 * @param medium  kind of medium
 * @param site    onsite or offsite
 * @param offline whether the user says the medium is disconnected between backups
 * @param locked  whether its store keeps the copies locked against deletion and overwriting (for a
 *                plan: is set to; for a status: was found so by the last lock extension)
 */
public record Placement(String name, Medium medium, Site site, boolean offline, boolean locked) {
    /** Requires name, medium and site. */
    public Placement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(medium, "medium");
        Objects.requireNonNull(site, "site");
    }

    /** A place that locks nothing. */
    public Placement(String name, Medium medium, Site site, boolean offline) {
        this(name, medium, site, offline, false);
    }

    /** A place that is neither kept offline nor locked. */
    public Placement(String name, Medium medium, Site site) {
        this(name, medium, site, false, false);
    }

    /** The same place, locked or not. */
    public Placement withLocked(boolean value) {
        return new Placement(name, medium, site, offline, value);
    }

    /** Whether a copy here is out of reach of a deletion: offline or locked. */
    public boolean offlineOrLocked() {
        return offline || locked;
    }
}
