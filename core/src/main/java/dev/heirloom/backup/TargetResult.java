package dev.heirloom.backup;

import dev.heirloom.repository.Snapshot;

import java.util.Optional;

/**
 * What one run did on one target.
 *
 * @param name            target name
 * @param snapshot        the snapshot written, empty when the target failed (or in a dry run)
 * @param objectsWritten  content objects stored (in a dry run: that would be stored)
 * @param bytesWritten    their bytes
 * @param objectsPresent  content objects found already stored (deduplicated)
 * @param treesWritten    folder trees stored (in a dry run: that would be)
 * @param treesDamaged    trees of the target's last snapshot that could not be read (missing or corrupt); their
 *                        folders were read from the source as new, and the new snapshot names none of them
 * @param treesRepaired   of those, the ones the source gave again (same folder, same tree) and were stored anew
 * @param error           why the target failed, empty when it succeeded
 */
public record TargetResult(String name, Optional<Snapshot> snapshot, long objectsWritten, long bytesWritten,
                           long objectsPresent, long treesWritten, long treesDamaged, long treesRepaired,
                           Optional<String> error) {
    /** Whether the target took the backup (its snapshot was written, or would be in a dry run). */
    public boolean succeeded() {
        return error.isEmpty();
    }
}
