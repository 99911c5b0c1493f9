package dev.heirloom.immutability;

import java.time.Instant;
import java.util.List;

/**
 * What a lock extension did on one target.
 *
 * @param target      target name
 * @param files       files the kept snapshots need
 * @param extended    of them, locks moved later by this run
 * @param lockedUntil the earliest lock end among them now
 * @param missing     needed files not found
 * @param problems    why the record claims nothing, if it does not (unreadable snapshots or folders,
 *                    locks that could not be extended); empty when every needed file is locked
 */
public record LockExtensionReport(String target, long files, long extended, Instant lockedUntil, long missing,
                                  List<String> problems) {
    /** Copies the collections, so the value never changes. */
    public LockExtensionReport {
        problems = List.copyOf(problems);
    }

    /** Whether every file the kept snapshots need is locked until {@link #lockedUntil()}. */
    public boolean complete() {
        return problems.isEmpty() && missing == 0;
    }

    /** One line for people: {@code cloud: 682 files needed, 12 locks extended; all locked until …}, or what is not. */
    public String summary() {
        return target + ": " + files + " files needed, " + extended + " locks extended; " + (complete()
                ? "all locked until " + lockedUntil
                : "NOT ALL LOCKED: " + (missing > 0 ? missing + " missing; " : "") + String.join("; ", problems));
    }
}
