package dev.heirloom.verify;

import java.util.List;

/**
 * An object that failed verification, with the files that need it.
 *
 * @param hash    the object's SHA-256
 * @param kind    file content or folder listing (tree)
 * @param problem what is wrong
 * @param detail  for people: sizes, hashes or the target's message
 * @param paths   {@code snapshot-id:path} of the files that refer to it (at most 20)
 */
public record BadObject(String hash, Kind kind, Problem problem, String detail, List<String> paths) {
    /** What the object holds. */
    public enum Kind {
        /** A file's content ({@code objects/}). */
        CONTENT,
        /** A folder listing ({@code trees/}). */
        TREE,
        /** A snapshot file ({@code snapshots/}); its hash field holds the file's key. */
        SNAPSHOT
    }

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

    /** Copies the collections, so the value never changes. */
    public BadObject {
        paths = List.copyOf(paths);
    }
}
