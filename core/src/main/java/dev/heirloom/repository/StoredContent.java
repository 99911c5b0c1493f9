package dev.heirloom.repository;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What content objects and trees have in common: files named by (a keyed hash of) their content's
 * SHA-256, sealed by the repository's cipher, replaced only by content that hashes to the name.
 */
abstract class StoredContent {
    final LockingTarget target;
    private final Supplier<RepositoryCipher> cipher;

    StoredContent(LockingTarget target, Supplier<RepositoryCipher> cipher) {
        this.target = target;
        this.cipher = cipher;
    }

    final RepositoryCipher cipher() {
        return cipher.get();
    }

    /** Writes sealed content under its key. */
    abstract void write(String key, ContentSource sealed, WriteOptions options);

    /** Seals and writes a good copy over a stored file (repair); it must hash to {@code sha256}. */
    final void replace(String key, String sha256, ContentSource content) {
        RepositoryCipher c = cipher();
        write(key, c.seal(key, content, sha256), WriteOptions.replace(c.expected(Checksums.sha256(sha256))));
    }

    /** A stored file's content size (a padded one's first bytes are read), empty when absent. */
    final Optional<Long> contentSize(String key) {
        Optional<ObjectInfo> info = target.stat(key);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(cipher().plainSize(key, info.get().size(), n -> target.read(key, 0, n)));
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** A stored file's plain bytes, authenticated as they are read when encrypted. */
    final InputStream openStored(String key) {
        return cipher().open(key, target.read(key, 0, -1));
    }

    /** A hash read from a repository file; anything else means the file is corrupt. */
    static String checkReference(String hash) {
        if (!RepositoryLayout.isHash(hash)) {
            throw new StorageException("corrupt repository: '" + String.valueOf(hash).replaceAll("\\p{Cntrl}", "?")
                    + "' is not a SHA-256 reference");
        }
        return hash;
    }
}
