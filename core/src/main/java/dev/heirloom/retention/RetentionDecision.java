package dev.heirloom.retention;

import dev.heirloom.repository.Snapshot;

import java.util.List;

/**
 * Whether one snapshot is kept, and why.
 *
 * @param snapshot the snapshot
 * @param reasons  the rules that keep it; empty when it is forgotten
 */
public record RetentionDecision(Snapshot snapshot, List<String> reasons) {
    /** Copies the collections, so the value never changes. */
    public RetentionDecision {
        reasons = List.copyOf(reasons);
    }

    /** Whether some rule keeps the snapshot. */
    public boolean kept() {
        return !reasons.isEmpty();
    }
}
