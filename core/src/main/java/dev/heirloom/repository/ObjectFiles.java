package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.DigestingInputStream;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A repository's content objects ({@code objects/}, docs/format.md): a file's bytes, named by
 * (a keyed hash of) their SHA-256, written once. Sizes and checksums cross this door in stored form
 * ({@link #storedSize}, {@link #storedChecksums}), so callers compare like with like whether the
 * repository is encrypted or not. Thread-safe; reached through {@link Repository#objects()}.
 */
public final class ObjectFiles extends StoredContent {
    private final String name;
    private final RepositoryEncryption encryption;
    private final CiphertextChecksums ciphertextChecksums;

    ObjectFiles(LockingTarget target, Supplier<RepositoryCipher> cipher, String name, RepositoryEncryption encryption,
                CiphertextChecksums ciphertextChecksums) {
        super(target, cipher);
        this.name = name;
        this.encryption = encryption;
        this.ciphertextChecksums = ciphertextChecksums;
    }

    /** The key under which the repository stores a content object (its hash, or a keyed hash). */
    public String key(String sha256) {
        return cipher().objectKey(sha256);
    }

    /**
     * Which of the given content hashes each listed object key stands for (null for a key that is
     * none of them). A plain repository's key names its hash, so nothing is kept; an encrypted one's
     * keyed names are computed once for these hashes.
     */
    public Function<String, String> hashesOfKeys(Set<String> hashes) {
        if (!cipher().encrypted()) {
            return key -> {
                String hash = key.substring(key.lastIndexOf('/') + 1);
                return hashes.contains(hash) ? hash : null;
            };
        }
        Map<String, String> byKey = new HashMap<>();
        for (String hash : hashes) {
            byKey.put(key(hash), hash);
        }
        return byKey::get;
    }

    /**
     * Stat of a content object as stored: its key, its stored size (compare with {@link #storedSize}),
     * and the checksums the target reports of its stored bytes (an encrypted object's ciphertext; see
     * {@link #storedChecksums}).
     */
    public Optional<ObjectInfo> stat(String sha256) {
        return target.stat(key(sha256));
    }

    /**
     * What content of this size takes on the target: itself in a plain repository; in an encrypted
     * one, its ciphertext (with the padding of format version 3).
     */
    public long storedSize(long contentSize) {
        return cipher().storedSize(contentSize);
    }

    /** The size of a stored content object's content (a padded one's first bytes are read), empty when absent. */
    public Optional<Long> size(String sha256) {
        return contentSize(key(checkReference(sha256)));
    }

    /** Whether the target holds no content object at all (one listing request): a repository's first backup. */
    public boolean holdsNone() {
        return target.list(RepositoryLayout.OBJECTS, Optional.empty(), 1).objects().isEmpty();
    }

    /**
     * Stores content under a temporary name before its hash is known; see
     * {@link StorageTarget#stage}. The staged bytes become a content object by {@link #publish}.
     *
     * @throws UnsupportedOperationException when the target does not stage, or the repository is encrypted
     */
    public StagedObject stage(String stageName, ContentSource content) {
        requirePlain("staging");
        return target.stage(stageName, content);
    }

    /**
     * Stores a content object unless present. An object already there with the same size counts as
     * stored (its name is its hash; content verification is the verifier's job). The target may
     * commit it with others: it is durable, and visible to other clients, from the next
     * {@link StorageTarget#flush()}, which a snapshot is written only after.
     *
     * @return true when this call wrote it
     */
    public boolean put(String sha256, ContentSource content, Checksums expected) {
        return put(sha256, content, expected, Optional.empty());
    }

    /**
     * {@link #put(String, ContentSource, Checksums)} of content whose first read recorded its
     * prefix hashes: every byte written is checked against them before it is used, and an encrypted
     * repository then writes the same ciphertext on every try, so an interrupted upload resumes
     * where the target supports it.
     */
    public boolean put(String sha256, ContentSource content, Checksums expected, Optional<PrefixHashes> firstRead) {
        RepositoryCipher c = cipher();
        String key = c.objectKey(sha256);
        try {
            write(key, c.seal(key, content, sha256, firstRead), WriteOptions.createIfAbsent(c.expected(expected.with(
                    ChecksumAlgorithm.SHA256, sha256))).withGroupCommit());
            return true;
        } catch (ObjectExistsException e) {
            return alreadyThere(key, c.storedSize(content.size()), e);
        }
    }

    /**
     * Names staged content as the content object it is, unless that object is present (the
     * same rule as {@link #put}). The caller computed {@code sha256} and {@code expected} from
     * the very bytes it staged.
     *
     * @return true when this call published it; false when the object was there (the staged
     *         bytes are then the caller's to discard)
     */
    public boolean publish(String sha256, StagedObject staged, Checksums expected) {
        requirePlain("staging");
        String key = RepositoryLayout.objectKey(sha256);
        try {
            staged.publish(key, WriteOptions.createIfAbsent(expected.with(ChecksumAlgorithm.SHA256, sha256)));
            return true;
        } catch (ObjectExistsException e) {
            return alreadyThere(key, staged.size(), e);
        }
    }

    private boolean alreadyThere(String key, long size, ObjectExistsException e) {
        ObjectInfo info = target.stat(key).orElseThrow(() -> e);
        if (info.size() != size) {
            throw new StorageException("object " + key + " exists with size " + info.size()
                    + " instead of " + size + "; the repository may be damaged", e);
        }
        target.keepLocked(info);
        return false;
    }

    /**
     * Replaces a content object with a good copy (repair). The target publishes it only if it
     * hashes to its name, so a damaged copy can never be spread.
     */
    public void replace(String sha256, ContentSource content) {
        replace(key(sha256), sha256, content);
        ciphertextChecksums.save();
    }

    /**
     * Opens a content object for reading, in its plain form (an encrypted one is authenticated
     * segment by segment: damage is a {@link dev.heirloom.spi.ChecksumMismatchException}, never a
     * wrong byte).
     */
    public InputStream open(String sha256) {
        return openStored(key(checkReference(sha256)));
    }

    /** What a whole read of a content object found: its content's length and SHA-256 (hex). */
    public record ReadBack(long size, String sha256) {
    }

    /**
     * Reads a content object whole and hashes its content (a content verification). On an encrypted
     * repository whose target reports checksums, an object with none recorded (a killed run uploaded
     * it, or an earlier Heirloom) whose content proves to hash to its name gets the checksums of the
     * ciphertext just read recorded, so that a checksum-level verification covers it from then on
     * without reading it; {@link #saveRecords()} writes them.
     *
     * @param bytesRead told each count of content bytes as they are read
     * @throws ObjectNotFoundException when the object is not on the target
     * @throws IOException             when it cannot be read whole (a
     *                                 {@link dev.heirloom.spi.ChecksumMismatchException} when it does not decrypt)
     */
    public ReadBack readBack(String sha256, java.util.function.LongConsumer bytesRead) throws IOException {
        String key = key(checkReference(sha256));
        RepositoryCipher c = cipher();
        Set<ChecksumAlgorithm> algorithms = c.encrypted() ? ciphertextChecksums.algorithms() : Set.of();
        boolean record = !algorithms.isEmpty() && ciphertextChecksums.of(key).isEmpty();
        MultiDigest content = MultiDigest.sha256Only();
        byte[] buffer = new byte[1 << 20];
        try (DigestingInputStream stored = new DigestingInputStream(target.read(key, 0, -1),
                MultiDigest.exactly(record ? algorithms : Set.of()));
             InputStream in = c.open(key, stored)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                content.update(buffer, 0, n);
                bytesRead.accept(n);
            }
            String actual = content.finish().get(ChecksumAlgorithm.SHA256).orElseThrow();
            // the whole ciphertext authenticated and its content is the named one: record what the target holds
            if (record && actual.equals(sha256) && stored.read() < 0) {
                ciphertextChecksums.recordRead(key, stored.digest().finish());
            }
            return new ReadBack(content.length(), actual);
        }
    }

    /**
     * Writes the records {@link #readBack} made; a record that cannot be written only leaves those
     * objects to the size check at the checksum level, so only an outage is thrown.
     */
    public void saveRecords() {
        ciphertextChecksums.save();
    }

    /** Every stored content object as stored (as {@link #stat} gives one), in key order; keys as {@link #key}. */
    public void forEach(Consumer<ObjectInfo> each) {
        Repository.forEach(target, RepositoryLayout.OBJECTS, each);
    }

    /**
     * Has the target compute the SHA-256 of a stored content object's bytes (an encrypted one's
     * ciphertext, to compare with {@link #storedChecksums}); see {@link StorageTarget#hashOnServer}.
     */
    public Checksums hashOnServer(String sha256) {
        return target.hashOnServer(key(sha256));
    }

    /**
     * The checksums the target reports of stored objects without reading them back (in listings or
     * stats), whether the repository is encrypted or not: what {@link #storedChecksums} can be
     * compared with.
     */
    public Set<ChecksumAlgorithm> reportedChecksums() {
        return target.capabilities().serverChecksums();
    }

    /** Whether the target computes an object's SHA-256 on request ({@link #hashOnServer}). */
    public boolean hashesOnServer() {
        return target.capabilities().serverHashing();
    }

    /**
     * What an object's stored bytes should hash to, each set one acceptable answer: for a plain
     * repository, the checksums its snapshots recorded of the content (given) and its name; for an
     * encrypted one, those of the ciphertext recorded when it was uploaded (none for an object
     * uploaded before they were recorded).
     */
    public List<Checksums> storedChecksums(String sha256, Checksums recordedInTrees) {
        if (!cipher().encrypted()) {
            return List.of(recordedInTrees.with(ChecksumAlgorithm.SHA256, sha256));
        }
        return ciphertextChecksums.of(key(sha256));
    }

    /**
     * Rewrites the records kept of stored objects (an encrypted repository's ciphertext checksums)
     * as one file without the objects deleted; prune calls it under the exclusive lock.
     */
    public void compactRecords() {
        if (cipher().encrypted()) {
            ciphertextChecksums.compact();
        }
    }

    /** Writes a content object; an encrypted one's ciphertext checksums are recorded ({@link CiphertextChecksums}). */
    @Override
    void write(String key, ContentSource sealed, WriteOptions options) {
        if (cipher().encrypted()) {
            ciphertextChecksums.write(key, sealed, options);
        } else {
            target.write(key, sealed, options);
        }
    }

    private void requirePlain(String what) {
        if (cipher().encrypted() || encryption.configured().encrypts()) {
            throw new UnsupportedOperationException(name + ": " + what + " is not offered for an encrypted repository");
        }
    }
}
