package dev.heirloom.engine;

/**
 * Source-side figures of a run.
 *
 * @param files        files covered by the filter
 * @param bytes        their total size
 * @param filesRead    files whose content was read (new, changed or needed by a target)
 * @param bytesRead    source bytes read
 * @param unchanged    files recognised as unchanged by size, mtime and file key
 */
public record RunStats(long files, long bytes, long filesRead, long bytesRead, long unchanged) {
}
