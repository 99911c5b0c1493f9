package dev.heirloom.policy;

import java.util.List;
import java.util.Optional;

/**
 * Whether every file of the newest snapshot meets the policy, counting the source and each target
 * whose latest snapshot holds the same content at the same path.
 *
 * @param policy         the policy checked
 * @param snapshotId     the snapshot taken as the state of the source (the newest on any target), if any
 * @param unreachable    reasons the configured places can never comply (empty when they can)
 * @param unavailable    targets that could not be read, so their copies were not counted
 * @param totalFiles     files checked
 * @param compliantFiles files meeting the policy
 * @param shortFiles     files short of the policy, at most {@link #LISTED_LIMIT} of them
 * @param damagedFolders folders of the snapshot some target could not give back (at most {@link #LISTED_LIMIT});
 *                       one that no target gave back leaves its files uncounted, so the policy is not met
 * @param notes          what the answer cannot see in the labels, for people: places on one file system
 */
public record ComplianceReport(Policy policy, Optional<String> snapshotId, List<String> unreachable,
                               List<String> unavailable, long totalFiles, long compliantFiles,
                               List<FileCompliance> shortFiles, List<DamagedFolder> damagedFolders,
                               List<String> notes) {
    /** Most short files listed in a report; {@link #nonCompliantFiles()} counts them all. */
    public static final int LISTED_LIMIT = 1000;

    /** Copies the collections, so the value never changes. */
    public ComplianceReport {
        unreachable = List.copyOf(unreachable);
        unavailable = List.copyOf(unavailable);
        shortFiles = List.copyOf(shortFiles);
        damagedFolders = List.copyOf(damagedFolders);
        notes = List.copyOf(notes);
    }

    /** The same report with these notes. */
    public ComplianceReport withNotes(List<String> more) {
        return new ComplianceReport(policy, snapshotId, unreachable, unavailable, totalFiles, compliantFiles, shortFiles,
                damagedFolders, more);
    }

    /** Files with fewer copies, media or offsite copies than the policy asks. */
    public long nonCompliantFiles() {
        return totalFiles - compliantFiles;
    }

    /**
     * True when there is a snapshot, every folder of it could be read from some target, and every
     * file in it meets the policy with the copies that could be counted (an unavailable target can
     * only add copies, never remove them).
     */
    public boolean compliant() {
        return snapshotId.isPresent() && compliantFiles == totalFiles && allFoldersReadable();
    }

    /** Whether every folder of the snapshot was read from some target, so that every file was counted. */
    public boolean allFoldersReadable() {
        return damagedFolders.stream().allMatch(DamagedFolder::readable);
    }
}
