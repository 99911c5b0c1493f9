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
 * @param failed        files that could not be restored, with the reason
 */
public record RestoreReport(String snapshotId, long filesRestored, long bytesRestored, long skippedExisting,
                            List<String> refused, List<String> failed) {
    public RestoreReport {
        refused = List.copyOf(refused);
        failed = List.copyOf(failed);
    }

    public boolean complete() {
        return refused.isEmpty() && failed.isEmpty();
    }
}
