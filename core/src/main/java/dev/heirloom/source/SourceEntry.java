package dev.heirloom.source;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A file or folder found in the source, with the attributes read while listing.
 *
 * @param name    its name in the folder
 * @param path    its full path
 * @param dir     whether it is a folder
 * @param size    length in bytes (files)
 * @param mtime   last-modified time
 * @param fileKey the file system's identity for it (e.g. device and inode), or null
 */
public record SourceEntry(String name, Path path, boolean dir, long size, Instant mtime, String fileKey) {
}
