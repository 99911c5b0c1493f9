package dev.heirloom.retention;

/**
 * What a prune did on one target.
 *
 * @param target       target name
 * @param dryRun       true when nothing was deleted or marked
 * @param referenced   objects and trees some snapshot still needs
 * @param deleted      unreferenced objects and trees deleted (or that would be), past their grace period
 * @param bytesFreed   their bytes
 * @param marked       unreferenced objects and trees still in their grace period, deleted by a later prune
 * @param interruptedUploadBytes bytes of unfinished uploads that killed runs had left (staged or partial
 *                     content), removed; 0 in a dry run or where the target cannot tell
 * @param locked       unreferenced objects and trees past their grace period that the target keeps locked
 *                     (an immutable target): counted in {@code marked}, deleted by a prune after their lock
 * @param lockedBytes  their bytes
 * @param lockedUntil  when the last of them is free, if any is locked
 */
public record PruneReport(String target, boolean dryRun, long referenced, long deleted, long bytesFreed, long marked,
                          long interruptedUploadBytes, long locked, long lockedBytes, java.util.Optional<java.time.Instant> lockedUntil) {
}
