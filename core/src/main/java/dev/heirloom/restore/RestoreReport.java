package dev.heirloom.restore;

import java.util.List;

/**
 * What a restore did.
 *
 * @param snapshotId    the snapshot restored
 * @param filesRestored files written and verified
 * @param bytesRestored their bytes
 * @param skippedExisting files left alone because they already existed
 * @param refused       entries refused because they would land outside the folder or have unsafe names
 * @param failed        files that could not be restored, with the reason (from every copy asked)
 * @param servedBy      files restored per target, in the order they were asked
 * @param fallbacks     files (and folder listings) that did not come from the first target asked:
 *                      which target served them and why the ones before could not
 */
public record RestoreReport(String snapshotId, long filesRestored, long bytesRestored, long skippedExisting,
                            List<String> refused, List<String> failed, java.util.Map<String, Long> servedBy,
                            List<String> fallbacks) {
    /** Copies the collections, so the value never changes. */
    public RestoreReport {
        refused = List.copyOf(refused);
        failed = List.copyOf(failed);
        servedBy = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servedBy));
        fallbacks = List.copyOf(fallbacks);
    }

    /** Whether every file was restored or already there, and nothing was refused. */
    public boolean complete() {
        return refused.isEmpty() && failed.isEmpty();
    }
}
