package dev.heirloom;

import dev.heirloom.repository.Snapshot;
import dev.heirloom.verify.VerificationRecord;

import java.util.List;
import java.util.Optional;

/**
 * The state of one target: its latest snapshot of the source and its last verifications, or why
 * it cannot be read.
 *
 * @param spec          the target's configuration
 * @param latest        its latest snapshot of the source
 * @param verifications the last verification at each level that has run
 * @param error         why it could not be read
 * @param encrypted     whether its repository is encrypted (false when it could not be read)
 * @param locks         whether its copies are locked against deletion and overwriting
 */
public record TargetStatus(TargetSpec spec, Optional<Snapshot> latest, List<VerificationRecord> verifications,
                           Optional<String> error, boolean encrypted, TargetLocks locks) {
    /** Copies the collections, so the value never changes. */
    public TargetStatus {
        verifications = List.copyOf(verifications);
    }
}
