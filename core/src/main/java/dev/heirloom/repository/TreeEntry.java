package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a folder: a file (with its content hash) or a sub-folder (with its tree hash).
 *
 * @param name    the file or folder name, a single path segment, exact to its bytes ({@link FileName}: bytes
 *                that are not UTF-8 are escaped; the JSON form then adds {@code nameBytes})
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
 * @param captured when a photo or video was taken, as its metadata says ({@link dev.heirloom.source.CaptureDates}:
 *                 ISO-8601, local time with or without an offset); null when it has none or was stored before
 *                 Heirloom read them
 */
@JsonPropertyOrder({"name", "nameBytes", "type", "size", "mtime", "content", "tree", "media", "fileKey", "md5", "crc32c",
        "suspect", "captured"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TreeEntry(@JsonSerialize(using = ReadableName.class) String name, EntryType type, long size, Instant mtime,
                        String content, String tree, String media, String fileKey, String md5, String crc32c,
                        String suspect, String captured) {
    /** Requires a name, type and time; a file needs its content hash, a folder its tree hash. */
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

    /** A file entry naming its content object by SHA-256 ({@code content}), without other checksums. */
    public static TreeEntry file(String name, long size, Instant mtime, String content, String media, String fileKey) {
        return new TreeEntry(name, EntryType.FILE, size, mtime, content, null, media, fileKey, null, null, null, null);
    }

    /** A file entry that also records the content's MD5 and CRC-32C where they were computed. */
    public static TreeEntry file(String name, long size, Instant mtime, Checksums checksums, String media, String fileKey) {
        return new TreeEntry(name, EntryType.FILE, size, mtime, checksums.get(ChecksumAlgorithm.SHA256).orElseThrow(), null,
                media, fileKey, checksums.get(ChecksumAlgorithm.MD5).orElse(null),
                checksums.get(ChecksumAlgorithm.CRC32C).orElse(null), null, null);
    }

    /** The same entry marked with suspect content (or unmarked with null). */
    public TreeEntry withSuspect(String suspectHash) {
        return new TreeEntry(name, type, size, mtime, content, tree, media, fileKey, md5, crc32c, suspectHash, captured);
    }

    /** The same entry with this capture date (null for none). */
    public TreeEntry withCaptured(String date) {
        return new TreeEntry(name, type, size, mtime, content, tree, media, fileKey, md5, crc32c, suspect, date);
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

    /** A folder entry naming the tree of its contents. */
    public static TreeEntry dir(String name, Instant mtime, String tree) {
        return new TreeEntry(name, EntryType.DIR, 0, mtime, null, tree, null, null, null, null, null, null);
    }

    /** The JSON form of a name that is not UTF-8: its bytes in base64 (null otherwise). */
    @JsonProperty("nameBytes")
    String nameBytes() {
        return FileName.bytesBase64(name);
    }

    /** Reads the JSON form, where {@code nameBytes}, when present, is the name. */
    @JsonCreator
    static TreeEntry fromJson(@JsonProperty("name") String name, @JsonProperty("nameBytes") String nameBytes,
                              @JsonProperty("type") EntryType type, @JsonProperty("size") long size,
                              @JsonProperty("mtime") Instant mtime, @JsonProperty("content") String content,
                              @JsonProperty("tree") String tree, @JsonProperty("media") String media,
                              @JsonProperty("fileKey") String fileKey, @JsonProperty("md5") String md5,
                              @JsonProperty("crc32c") String crc32c, @JsonProperty("suspect") String suspect,
                              @JsonProperty("captured") String captured) {
        return new TreeEntry(name == null ? null : FileName.fromStored(name, nameBytes), type, size, mtime, content,
                tree, media, fileKey, md5, crc32c, suspect, captured);
    }

    /** Writes a name for people to read; {@code nameBytes} holds its exact bytes. */
    static final class ReadableName extends com.fasterxml.jackson.databind.JsonSerializer<String> {
        @Override
        public void serialize(String value, com.fasterxml.jackson.core.JsonGenerator gen,
                              com.fasterxml.jackson.databind.SerializerProvider serializers) throws java.io.IOException {
            gen.writeString(FileName.readable(value));
        }
    }

    /** Whether this is a file. */
    @JsonIgnore
    public boolean isFile() {
        return type == EntryType.FILE;
    }

    /** Whether this is a folder. */
    @JsonIgnore
    public boolean isDir() {
        return type == EntryType.DIR;
    }
}
