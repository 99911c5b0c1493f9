package dev.heirloom.policy;

import java.util.Objects;

/**
 * Where one copy lives: the source or a named target, its medium and its site, and whether it is
 * kept offline (a disk unplugged between backups, out of reach of a mistake or ransomware on the
 * computer).
 *
 * @param name    {@code source} or the target's name
 * @param medium  kind of medium
 * @param site    onsite or offsite
 * @param offline whether the user says the medium is disconnected between backups
 */
public record Placement(String name, Medium medium, Site site, boolean offline) {
    public Placement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(medium, "medium");
        Objects.requireNonNull(site, "site");
    }

    /** A place that is not kept offline. */
    public Placement(String name, Medium medium, Site site) {
        this(name, medium, site, false);
    }
}
