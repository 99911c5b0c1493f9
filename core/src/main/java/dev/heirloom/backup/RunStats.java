package dev.heirloom.backup;

/**
 * Source-side figures of a run.
 *
 * @param files        files covered by the filter
 * @param bytes        their total size
 * @param filesRead    files whose content was read and hashed: new or changed ones
 * @param bytesRead    source bytes read in all (hashing, and copying to targets)
 * @param unchanged    files recognised as unchanged by size, mtime and file key
 */
public record RunStats(long files, long bytes, long filesRead, long bytesRead, long unchanged) {
}
