package dev.heirloom.browse;

/**
 * What a target's repository holds for one source.
 *
 * @param snapshots     snapshots of the source
 * @param latestFiles   files in its latest snapshot
 * @param latestBytes   their bytes
 * @param fileVersions  file entries across all its snapshots (one file in five snapshots counts five)
 * @param logicalBytes  their bytes: what restoring every snapshot would write
 * @param objects       distinct content objects those entries name
 * @param storedBytes   what the target stores for them, each counted once (an encrypted repository's
 *                      ciphertext, with its padding)
 */
public record RepositoryStats(int snapshots, long latestFiles, long latestBytes, long fileVersions, long logicalBytes,
                              long objects, long storedBytes) {

    /** Logical bytes per stored byte (1.0: nothing shared; 0 when nothing is stored). */
    public double dedupRatio() {
        return storedBytes == 0 ? 0 : (double) logicalBytes / storedBytes;
    }
}
