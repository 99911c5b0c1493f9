package dev.heirloom.schedule;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.backup.TargetResult;
import dev.heirloom.retention.PruneReport;
import dev.heirloom.spi.StorageException;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of a scheduled job, run on the scheduler's thread with the scheduler's
 * {@link Heirloom}. An action that throws counts as {@link JobStatus#FAILED}; one that throws
 * {@link java.util.concurrent.CancellationException} as {@link JobStatus#CANCELLED}. Long actions
 * should stop when {@link Heirloom#cancel()} is called, as the built-in ones do.
 */
@FunctionalInterface
public interface JobAction {

    /** Does the job's work. */
    JobResult run(Heirloom heirloom) throws Exception;

    /** A backup to every target; a failed target fails the run, an unmet policy or skipped files warn. */
    static JobAction backup() {
        return h -> {
            BackupReport r = h.backup(ProgressListener.NONE);
            List<String> failed = r.targets().stream().filter(t -> !t.succeeded())
                    .map(t -> t.name() + ": " + t.error().orElse("failed")).toList();
            long objects = r.targets().stream().mapToLong(TargetResult::objectsWritten).sum();
            String summary = String.format("snapshot %s: %d files, %d read, %d objects written%s%s%s", r.snapshotId(),
                    r.stats().files(), r.stats().filesRead(), objects,
                    failed.isEmpty() ? "" : "; failed " + String.join("; ", failed),
                    r.problemCount() == 0 ? "" : "; " + r.problemCount() + " source files skipped",
                    r.compliance().compliant() ? "" : "; policy " + r.compliance().policy() + " not met for "
                            + r.compliance().nonCompliantFiles() + " files");
            JobStatus status = !failed.isEmpty() ? JobStatus.FAILED
                    : r.problemCount() > 0 || !r.compliance().compliant() || !r.suspectedBitRot().isEmpty()
                    ? JobStatus.WARNING : JobStatus.SUCCEEDED;
            return new JobResult(status, summary);
        };
    }

    /**
     * Verifies every target at {@code level}, reading a rotating {@code samplePercent} share of the
     * objects at the content level; a damaged or missing object or an unreachable target fails the run.
     */
    static JobAction verify(VerifyLevel level, int samplePercent) {
        if (samplePercent < 1 || samplePercent > 100) {
            throw new IllegalArgumentException("sample must be from 1 to 100 percent");
        }
        return h -> {
            List<String> parts = new ArrayList<>();
            boolean bad = false;
            for (TargetSpec t : h.targets()) {
                try {
                    VerifyReport r = h.verify(t.name(), level, samplePercent);
                    bad |= !r.clean();
                    parts.add(t.name() + (r.clean() ? ": clean (" + r.objectsChecked() + " of " + r.objects() + " objects checked)"
                            : ": " + r.badCount() + " bad objects"));
                } catch (StorageException e) {
                    bad = true;
                    parts.add(t.name() + ": " + e.getMessage());
                }
            }
            return new JobResult(bad ? JobStatus.FAILED : JobStatus.SUCCEEDED,
                    "verify " + level.name().toLowerCase() + " " + samplePercent + "%: " + String.join("; ", parts));
        };
    }

    /**
     * Extends the locks of every target with {@code immutableDays} ({@link Heirloom#extendLocks}): a
     * target that fails fails the run; one where not every needed file could be shown locked warns.
     */
    static JobAction extendLocks() {
        return h -> {
            List<String> parts = new ArrayList<>();
            boolean failed = false;
            boolean incomplete = false;
            for (TargetSpec t : h.targets()) {
                if (!h.immutability(t.name()).wanted()) {
                    continue;
                }
                try {
                    dev.heirloom.immutability.LockExtensionReport r = h.extendLocks(t.name());
                    incomplete |= !r.complete();
                    parts.add(r.summary());
                } catch (StorageException e) {
                    failed = true;
                    parts.add(t.name() + ": " + e.getMessage());
                }
            }
            if (parts.isEmpty()) {
                return new JobResult(JobStatus.WARNING, "extend-locks: no target has immutableDays");
            }
            return new JobResult(failed ? JobStatus.FAILED : incomplete ? JobStatus.WARNING : JobStatus.SUCCEEDED,
                    "extend-locks: " + String.join("; ", parts));
        };
    }

    /**
     * Applies each target's retention policy (targets without one keep every snapshot), then prunes
     * every target with the given grace period; see {@link Heirloom#prune}.
     */
    static JobAction prune(Duration grace) {
        return h -> {
            List<String> parts = new ArrayList<>();
            boolean failed = false;
            for (TargetSpec t : h.targets()) {
                try {
                    long forgotten = h.hasRetention(t.name()) ? h.forget(t.name(), false).forgotten() : 0;
                    PruneReport p = h.prune(t.name(), grace, false);
                    parts.add(String.format("%s: %d snapshots forgotten, %d objects (%d bytes) freed, %d marked",
                            t.name(), forgotten, p.deleted(), p.bytesFreed(), p.marked()));
                } catch (StorageException e) {
                    failed = true;
                    parts.add(t.name() + ": " + e.getMessage());
                }
            }
            return new JobResult(failed ? JobStatus.FAILED : JobStatus.SUCCEEDED, "prune: " + String.join("; ", parts));
        };
    }
}
