package dev.heirloom.storage;

/**
 * Limits on the bytes a run moves, in KiB per second; 0 is no limit. One limit is shared by every
 * connection it applies to (all of a target's, or all targets' for a run-wide limit), so eight
 * parallel uploads under 1024 KiB/s move 1 MiB per second together.
 *
 * @param uploadKiBps   bytes sent to targets: objects, folder listings, snapshots, staged content
 * @param downloadKiBps bytes read from targets: restore, verify, dump
 */
public record Bandwidth(long uploadKiBps, long downloadKiBps) {
    /** No limit either way. */
    public static final Bandwidth UNLIMITED = new Bandwidth(0, 0);

    /** Limits are KiB per second, 0 for none; never negative. */
    public Bandwidth {
        if (uploadKiBps < 0 || downloadKiBps < 0) {
            throw new IllegalArgumentException("a bandwidth limit is a number of KiB per second, 0 for none");
        }
    }

    /** Whether neither direction is limited. */
    public boolean unlimited() {
        return uploadKiBps == 0 && downloadKiBps == 0;
    }
}
