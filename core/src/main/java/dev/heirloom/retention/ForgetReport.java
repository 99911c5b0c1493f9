package dev.heirloom.retention;

import java.util.List;

/**
 * What forgetting did on one target.
 *
 * @param target    target name
 * @param dryRun    true when nothing was deleted
 * @param decisions every snapshot of the source with the rules that keep it, newest first
 * @param forgotten snapshot files deleted (or, in a dry run, that would be)
 * @param locked    snapshot files no rule keeps that the target keeps locked (an immutable target):
 *                  they stay, and a forget after their lock deletes them
 * @param lockedUntil when the last of those is free, if the target said
 */
public record ForgetReport(String target, boolean dryRun, List<RetentionDecision> decisions, long forgotten, long locked,
                           java.util.Optional<java.time.Instant> lockedUntil) {
    /** Copies the collections, so the value never changes. */
    public ForgetReport {
        decisions = List.copyOf(decisions);
    }
}
