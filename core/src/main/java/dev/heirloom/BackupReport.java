package dev.heirloom;

import dev.heirloom.backup.BitRotSuspect;
import dev.heirloom.backup.RunStats;
import dev.heirloom.backup.TargetResult;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.source.SourceProblem;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a backup run did.
 *
 * @param snapshotId   id of the snapshot written to every target that succeeded
 * @param started      start time
 * @param finished     end time
 * @param stats        source-side figures
 * @param targets      per-target outcome
 * @param problems     files and folders skipped (at most 10,000 listed)
 * @param problemCount all of them
 * @param compliance   the policy checked after the run
 * @param suspectedBitRot files whose content changed although size and mtime did not; the snapshot
 *                     keeps their last good version and stores the suspect content beside it
 * @param refused      why no snapshot was written although the targets could take one: the
 *                     source holds no file, or lost more files than allowed (see
 *                     {@link Heirloom.Builder#maxShrinkPercent}); empty when it was not refused
 */
public record BackupReport(String snapshotId, Instant started, Instant finished, RunStats stats,
                           List<TargetResult> targets, List<SourceProblem> problems, long problemCount,
                           ComplianceReport compliance, List<BitRotSuspect> suspectedBitRot, Optional<String> refused) {
    /** Copies the lists; {@code refused} is required. */
    public BackupReport {
        targets = List.copyOf(targets);
        problems = List.copyOf(problems);
        suspectedBitRot = List.copyOf(suspectedBitRot);
        java.util.Objects.requireNonNull(refused, "refused");
    }

    /**
     * True when every target got its snapshot, no source file was skipped and none is suspect
     * (false when the run {@linkplain #refused() refused} to write a snapshot).
     */
    public boolean succeeded() {
        return refused.isEmpty() && problemCount == 0 && suspectedBitRot.isEmpty()
                && targets.stream().allMatch(TargetResult::succeeded);
    }
}
