package dev.heirloom.retention;

import java.util.List;

/**
 * What forgetting did on one target.
 *
 * @param target    target name
 * @param dryRun    true when nothing was deleted
 * @param decisions every snapshot of the source with the rules that keep it, newest first
 * @param forgotten snapshot files deleted (or, in a dry run, that would be)
 */
public record ForgetReport(String target, boolean dryRun, List<RetentionDecision> decisions, long forgotten) {
    public ForgetReport {
        decisions = List.copyOf(decisions);
    }
}
