package dev.heirloom.schedule;

import dev.heirloom.verify.VerifyLevel;

import java.time.Duration;
import java.util.Objects;

/**
 * A named job: what to run and when. Names identify a job's last run in the scheduler's state
 * file, so keep them stable.
 *
 * @param name     unique within a scheduler
 * @param schedule when it is due
 * @param action   what it does
 */
public record ScheduledJob(String name, Schedule schedule, JobAction action) {
    /** Requires a non-blank name, a schedule and an action. */
    public ScheduledJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(action, "action");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a job needs a name");
        }
    }

    /** A backup job named {@code backup}. */
    public static ScheduledJob backup(Schedule schedule) {
        return new ScheduledJob("backup", schedule, JobAction.backup());
    }

    /** A verification job named {@code verify}; see {@link JobAction#verify}. */
    public static ScheduledJob verify(Schedule schedule, VerifyLevel level, int samplePercent) {
        return new ScheduledJob("verify", schedule, JobAction.verify(level, samplePercent));
    }

    /** A lock extension job named {@code extend-locks}; see {@link JobAction#extendLocks}. */
    public static ScheduledJob extendLocks(Schedule schedule) {
        return new ScheduledJob("extend-locks", schedule, JobAction.extendLocks());
    }

    /** A forget-and-prune job named {@code prune}; see {@link JobAction#prune}. */
    public static ScheduledJob prune(Schedule schedule, Duration grace) {
        return new ScheduledJob("prune", schedule, JobAction.prune(grace));
    }
}
