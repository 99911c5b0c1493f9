package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * The content of {@code heirloom.json}, which marks a repository and says how to read it.
 *
 * @param format     always {@value #FORMAT}
 * @param version    repository format version: {@value #PLAIN_VERSION} for a plain repository,
 *                   {@value #VERSION} for an encrypted one ({@value #UNPADDED_VERSION} for one
 *                   written before files were padded), so that a Heirloom that cannot read it
 *                   refuses it instead of misreading it
 * @param id         random identity of this repository
 * @param created    when it was initialised
 * @param objectHash hash naming objects and trees, always {@code sha256}
 * @param encryption how the repository is encrypted, or null for a plain one
 */
@JsonPropertyOrder({"format", "version", "id", "created", "objectHash", "encryption"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepositoryConfig(String format, int version, String id, Instant created, String objectHash,
                               EncryptionInfo encryption) {
    /** The {@code format} of every Heirloom repository. */
    public static final String FORMAT = "heirloom-repository";
    /** The newest version this Heirloom reads: an encrypted repository whose files are padded. */
    public static final int VERSION = 3;
    /** An encrypted repository whose files are not padded (written before version 3); still read. */
    public static final int UNPADDED_VERSION = 2;
    /** The version of a plain repository, which every Heirloom reads. */
    public static final int PLAIN_VERSION = 1;

    /** Whether the repository's files are encrypted. */
    public boolean encrypted() {
        return encryption != null;
    }

    /**
     * The algorithms of an encrypted repository (never a key; docs/format.md).
     *
     * @param content every file's encryption, {@code AES256_GCM_HKDF_1MB} (Tink's streaming AEAD)
     * @param names   how object and tree names are derived, {@code HMAC-SHA256}
     * @param keys    how the master key is kept: {@code scrypt+AES-256-GCM} key slots in {@code keys/}
     * @param check   the first 16 hex digits of HMAC-SHA256(name key, "heirloom key check"): which master
     *                key is this repository's, so that a key slot left by an interrupted creation is
     *                never taken for one of its own
     * @param padding how each file's plaintext is padded before encryption, {@code padme} (version 3),
     *                or null when it is not (version 2)
     */
    @JsonPropertyOrder({"content", "names", "keys", "check", "padding"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EncryptionInfo(String content, String names, String keys, String check, String padding) {
    }
}
