package dev.heirloom.browse;

import java.util.List;

/**
 * What changed between two snapshots, files only (a folder appears through its files).
 *
 * @param from     the older snapshot's id
 * @param to       the newer snapshot's id
 * @param added    files in {@code to} only
 * @param removed  files in {@code from} only
 * @param modified files in both whose content differs and whose size or modification time moved
 *                 (a normal edit); each pair is {@code from}'s entry then {@code to}'s
 * @param suspect  files whose content differs although size and modification time did not (an
 *                 edit that kept both is rare, decay of the source is not: possible bit rot), and
 *                 files for which a rehash newly kept suspect bytes beside the good version
 */
public record SnapshotDiff(String from, String to, List<SnapshotEntry> added, List<SnapshotEntry> removed,
                           List<Change> modified, List<Change> suspect) {

    /** One file in both snapshots. */
    public record Change(SnapshotEntry before, SnapshotEntry after) {
    }

    /** Whether the two snapshots hold the same files with the same contents. */
    public boolean same() {
        return added.isEmpty() && removed.isEmpty() && modified.isEmpty() && suspect.isEmpty();
    }
}
