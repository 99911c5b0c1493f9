package dev.heirloom.browse;

import dev.heirloom.repository.TreeEntry;

/**
 * A file or folder of a snapshot.
 *
 * @param path  its path from the snapshot's root, folders separated by {@code /}
 * @param entry what the snapshot recorded for it (size, modification time, content hash)
 */
public record SnapshotEntry(String path, TreeEntry entry) {
}
