package dev.heirloom.retention;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;

import java.time.Instant;
import java.util.List;

/**
 * Applies a retention policy to one source's snapshots on one target: deletes the snapshot files
 * no rule keeps (the newest always stays). Objects and trees stay until a prune; snapshots of
 * other sources are never touched. Run under an exclusive lock unless it is a dry run.
 */
public final class Forgetter {
    private final String target;
    private final Repository repo;
    private final RetentionPolicy policy;

    public Forgetter(String target, Repository repo, RetentionPolicy policy) {
        this.target = target;
        this.repo = repo;
        this.policy = policy;
    }

    /** Decides, and unless {@code dryRun} deletes, for the snapshots of {@code sourceLabel}. */
    public ForgetReport forget(String sourceLabel, Instant now, boolean dryRun) {
        List<Snapshot> ours = repo.snapshots().stream().filter(s -> s.source().equals(sourceLabel)).toList();
        List<RetentionDecision> decisions = new Retention(policy, repo, now).decide(ours);
        long forgotten = 0;
        for (RetentionDecision d : decisions) {
            if (!d.kept()) {
                forgotten++;
                if (!dryRun) {
                    repo.deleteSnapshot(d.snapshot());
                }
            }
        }
        return new ForgetReport(target, dryRun, decisions, forgotten);
    }
}
