package dev.heirloom.repository;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * How a repository's files are stored: named, and sealed or opened. {@link #PLAIN} keeps them as
 * they are, named by their SHA-256 ({@code docs/format.md}); {@link EncryptedCipher} encrypts every
 * file and names objects and trees by a keyed hash. {@link Repository} and {@link SnapshotFiles}
 * pass every repository file through one of these, so nothing else knows which it is.
 */
interface RepositoryCipher {
    /** Whether files are encrypted and names keyed. */
    boolean encrypted();

    /** The key of a content object. */
    String objectKey(String sha256);

    /** The key of a tree. */
    String treeKey(String sha256);

    /** The stored size of content of this plaintext size. */
    long storedSize(long plainSize);

    /**
     * The plaintext size of a stored file of this size. Where the stored size alone does not tell
     * (padded files), the file's first bytes are read: {@code firstBytes} opens the file's first
     * {@code n} bytes.
     *
     * @throws IOException when the first bytes cannot be read, or a {@link
     *                     dev.heirloom.spi.ChecksumMismatchException} when they do not decrypt
     */
    long plainSize(String key, long storedSize, java.util.function.LongFunction<InputStream> firstBytes) throws IOException;

    /** The stored form of a small file. */
    byte[] seal(String key, byte[] plain);

    /**
     * The plaintext of a small stored file.
     *
     * @throws dev.heirloom.spi.ChecksumMismatchException when it cannot be decrypted
     */
    byte[] open(String key, byte[] stored);

    /**
     * The stored form of content whose SHA-256 is known (null: unknown), read as a provider reads it;
     * the stream fails when the plaintext turns out not to hash to it.
     */
    default ContentSource seal(String key, ContentSource plain, String sha256) {
        return seal(key, plain, sha256, Optional.empty());
    }

    /**
     * {@link #seal(String, ContentSource, String)} of content whose first read recorded its prefix
     * hashes: each read of it is checked block by block against them, and an encrypted repository
     * then encrypts it the same way on every try, so that an interrupted upload can resume
     * ({@link ContentSource#identity()}).
     */
    ContentSource seal(String key, ContentSource plain, String sha256, Optional<PrefixHashes> firstRead);

    /** The plaintext of a stored stream. */
    InputStream open(String key, InputStream stored);

    /**
     * What a write of content with these plaintext checksums can ask the target to check: the
     * checksums themselves for plain files, nothing for ciphertext (its AEAD tags protect it; each
     * encryption of the same content differs).
     */
    Checksums expected(Checksums plain);

    /** Files as they are, named by their SHA-256. */
    RepositoryCipher PLAIN = new RepositoryCipher() {
        @Override
        public boolean encrypted() {
            return false;
        }

        @Override
        public String objectKey(String sha256) {
            return RepositoryLayout.objectKey(sha256);
        }

        @Override
        public String treeKey(String sha256) {
            return RepositoryLayout.treeKey(sha256);
        }

        @Override
        public long storedSize(long plainSize) {
            return plainSize;
        }

        @Override
        public long plainSize(String key, long storedSize, java.util.function.LongFunction<InputStream> firstBytes) {
            return storedSize;
        }

        @Override
        public byte[] seal(String key, byte[] plain) {
            return plain;
        }

        @Override
        public byte[] open(String key, byte[] stored) {
            return stored;
        }

        @Override
        public ContentSource seal(String key, ContentSource plain, String sha256, Optional<PrefixHashes> firstRead) {
            return plain;
        }

        @Override
        public InputStream open(String key, InputStream stored) {
            return stored;
        }

        @Override
        public Checksums expected(Checksums plain) {
            return plain;
        }
    };
}
