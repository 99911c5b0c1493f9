package dev.heirloom.browse;

import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;

import java.util.List;

/**
 * One path that matched a search, and the snapshots that hold it.
 *
 * @param path     the file's path in the snapshots
 * @param versions every snapshot holding the path, oldest first
 */
public record FileVersions(String path, List<Version> versions) {

    /**
     * The file as one snapshot recorded it.
     *
     * @param snapshot the snapshot
     * @param entry    size, modification time and content hash in that snapshot
     */
    public record Version(Snapshot snapshot, TreeEntry entry) {
    }

    /** How many different contents the path had across the snapshots. */
    public long distinctContents() {
        return versions.stream().map(v -> v.entry().content()).distinct().count();
    }
}
