package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a folder: a file (with its content hash) or a sub-folder (with its tree hash).
 *
 * @param name    the file or folder name, a single path segment
 * @param type    file or dir
 * @param size    file length in bytes (files only; 0 for folders)
 * @param mtime   last-modified time, to the nanosecond the file system gives
 * @param content SHA-256 of the file content, hex (files only)
 * @param tree    hash of the sub-folder's tree (folders only)
 * @param media   media group of a file: photo, video, sidecar or other
 * @param fileKey the file system's identity of the file (inode), if it has one; change detection only
 * @param md5     MD5 of the content, hex, when a target that keeps MD5s was configured (files only)
 * @param crc32c  CRC-32C of the content, hex, when a target that keeps CRC-32Cs was configured
 * @param suspect SHA-256 of content found in the source although size and mtime had not changed
 *                (suspected bit rot); {@code content} stays the last good version, this one is stored
 *                beside it until the user decides
 */
@JsonPropertyOrder({"name", "type", "size", "mtime", "content", "tree", "media", "fileKey", "md5", "crc32c", "suspect"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TreeEntry(String name, EntryType type, long size, Instant mtime, String content, String tree,
                        String media, String fileKey, String md5, String crc32c, String suspect) {
    public TreeEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        if (type == EntryType.FILE && content == null) {
            throw new IllegalArgumentException("file entry without content hash: " + name);
        }
        if (type == EntryType.DIR && tree == null) {
            throw new IllegalArgumentException("folder entry without tree hash: " + name);
        }
    }

    public static TreeEntry file(String name, long size, Instant mtime, String content, String media, String fileKey) {
        return new TreeEntry(name, EntryType.FILE, size, mtime, content, null, media, fileKey, null, null, null);
    }

    /** A file entry that also records the content's MD5 and CRC-32C where they were computed. */
    public static TreeEntry file(String name, long size, Instant mtime, Checksums checksums, String media, String fileKey) {
        return new TreeEntry(name, EntryType.FILE, size, mtime, checksums.get(ChecksumAlgorithm.SHA256).orElseThrow(), null,
                media, fileKey, checksums.get(ChecksumAlgorithm.MD5).orElse(null),
                checksums.get(ChecksumAlgorithm.CRC32C).orElse(null), null);
    }

    /** The same entry marked with suspect content (or unmarked with null). */
    public TreeEntry withSuspect(String suspectHash) {
        return new TreeEntry(name, type, size, mtime, content, tree, media, fileKey, md5, crc32c, suspectHash);
    }

    /** The checksums this entry records for its content (files only). */
    @JsonIgnore
    public Checksums checksums() {
        java.util.Map<ChecksumAlgorithm, String> m = new java.util.EnumMap<>(ChecksumAlgorithm.class);
        if (content != null) {
            m.put(ChecksumAlgorithm.SHA256, content);
        }
        if (md5 != null) {
            m.put(ChecksumAlgorithm.MD5, md5);
        }
        if (crc32c != null) {
            m.put(ChecksumAlgorithm.CRC32C, crc32c);
        }
        return new Checksums(m);
    }

    public static TreeEntry dir(String name, Instant mtime, String tree) {
        return new TreeEntry(name, EntryType.DIR, 0, mtime, null, tree, null, null, null, null, null);
    }

    @JsonIgnore
    public boolean isFile() {
        return type == EntryType.FILE;
    }

    @JsonIgnore
    public boolean isDir() {
        return type == EntryType.DIR;
    }
}
