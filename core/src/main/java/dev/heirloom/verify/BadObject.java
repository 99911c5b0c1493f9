package dev.heirloom.verify;

import java.util.List;

/**
 * An object that failed verification, with the files that need it.
 *
 * @param hash    the object's SHA-256
 * @param problem what is wrong
 * @param detail  for people: sizes, hashes or the target's message
 * @param paths   {@code snapshot-id:path} of the files that refer to it (at most 20)
 */
public record BadObject(String hash, Problem problem, String detail, List<String> paths) {
    /** Kinds of failure. */
    public enum Problem {
        /** Not on the target at all. */
        MISSING,
        /** Present with another size. */
        WRONG_SIZE,
        /** Its content no longer hashes to its name. */
        CORRUPT,
        /** Could not be read (offline tier, permission, I/O error). */
        UNREADABLE
    }

    public BadObject {
        paths = List.copyOf(paths);
    }
}
