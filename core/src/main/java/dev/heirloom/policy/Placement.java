package dev.heirloom.policy;

import java.util.Objects;

/**
 * Where one copy lives: the source or a named target, its medium and its site.
 *
 * @param name   {@code source} or the target's name
 * @param medium kind of medium
 * @param site   onsite or offsite
 */
public record Placement(String name, Medium medium, Site site) {
    public Placement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(medium, "medium");
        Objects.requireNonNull(site, "site");
    }
}
