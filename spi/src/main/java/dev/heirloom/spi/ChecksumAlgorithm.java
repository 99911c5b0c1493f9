package dev.heirloom.spi;

/** The checksums Heirloom computes and backends may compute or store. Values are lowercase hex. */
public enum ChecksumAlgorithm {
    /** SHA-256: Heirloom's content identity; an object's key is its SHA-256. */
    SHA256,
    /** MD5, as stored by Azure (Content-MD5) and computed by GCS (md5Hash). */
    MD5,
    /** CRC-32C (Castagnoli), as computed by GCS; hex of the 4 big-endian bytes. */
    CRC32C
}
