package dev.heirloom.retention;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;

import dev.heirloom.spi.ObjectLockedException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Applies a retention policy to one source's snapshots on one target: deletes the snapshot files
 * no rule keeps (the newest always stays). Objects and trees stay until a prune; snapshots of
 * other sources are never touched. A snapshot an immutable target keeps locked stays until a
 * forget after its lock. Run under an exclusive lock unless it is a dry run.
 */
public final class Forgetter {
    private final String target;
    private final Repository repo;
    private final RetentionPolicy policy;

    /** Forgets on {@code repo} (named {@code target} in messages) what {@code policy} does not keep. */
    public Forgetter(String target, Repository repo, RetentionPolicy policy) {
        this.target = target;
        this.repo = repo;
        this.policy = policy;
    }

    /**
     * Which snapshots a forget now would keep: every snapshot of other sources, and those of
     * {@code sourceLabel} that a rule keeps.
     */
    public java.util.function.Predicate<Snapshot> kept(String sourceLabel, Instant now) {
        java.util.Set<String> forgotten = decide(sourceLabel, now).stream().filter(d -> !d.kept())
                .map(d -> d.snapshot().id()).collect(java.util.stream.Collectors.toSet());
        return s -> !forgotten.contains(s.id());
    }

    /** The policy's decision for each snapshot of {@code sourceLabel}, newest first. */
    private List<RetentionDecision> decide(String sourceLabel, Instant now) {
        List<Snapshot> ours = repo.snapshots().stream().filter(s -> s.source().equals(sourceLabel)).toList();
        return new Retention(policy, repo, now).decide(ours);
    }

    /** Decides, and unless {@code dryRun} deletes, for the snapshots of {@code sourceLabel}. */
    public ForgetReport forget(String sourceLabel, Instant now, boolean dryRun) {
        List<RetentionDecision> decisions = decide(sourceLabel, now);
        long forgotten = 0;
        long locked = 0;
        Optional<Instant> lockedUntil = Optional.empty();
        for (RetentionDecision d : decisions) {
            if (!d.kept()) {
                try {
                    if (!dryRun) {
                        repo.deleteSnapshot(d.snapshot());
                    }
                    forgotten++;
                } catch (ObjectLockedException e) {
                    // an immutable target keeps it until its lock runs out; a later forget deletes it
                    locked++;
                    Optional<Instant> until = e.until();
                    lockedUntil = until.isPresent() && lockedUntil.map(t -> t.isBefore(until.get())).orElse(true)
                            ? until : lockedUntil;
                }
            }
        }
        return new ForgetReport(target, dryRun, decisions, forgotten, locked, lockedUntil);
    }
}
