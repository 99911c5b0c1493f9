package dev.heirloom.repository;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;


import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one door to the repository on one target: objects, trees, snapshots and the small state
 * files (verification records, prune marks, locks). Nothing outside this package calls the
 * {@link StorageTarget} for repository data, so a feature that concerns every repository file
 * (encryption, keyed names, immutability) has one place to live. Trees read are checked against
 * their hash and kept in a bounded in-memory cache (they are immutable). Thread-safe; closing it
 * closes the target.
 */
public final class Repository implements AutoCloseable {
    private static final int TREE_CACHE_SIZE = 20_000;

    private final LockingTarget target;
    private final FileLocks locks;
    private final String name;
    private final SnapshotFiles snapshots;
    private final ConfigFile configFile;
    private final RepositoryEncryption encryption;
    private final CiphertextChecksums ciphertextChecksums;
    private final Map<String, Tree> treeCache = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Tree> eldest) {
                    return size() > TREE_CACHE_SIZE;
                }
            });

    /** A plain repository, or none yet, on a target; see {@link #Repository(StorageTarget, String, Encryption)}. */
    public Repository(StorageTarget target) {
        this(target, "target", Encryption.unspecified());
    }

    /**
     * The repository on a target. Nothing is read until it is used; an encrypted one is opened with
     * the secret of {@code encryption} at its first use, and a new one is created encrypted when
     * {@code encryption} {@link Encryption#encrypts() encrypts}.
     *
     * @param name how messages name the target
     */
    public Repository(StorageTarget target, String name, Encryption encryption) {
        this(target, name, encryption, Immutability.none(), Clock.systemUTC());
    }

    /**
     * As {@link #Repository(StorageTarget, String, Encryption)}, locking every permanent file written
     * (see {@link RepositoryLayout#isPermanent}) for {@code immutability}'s days from {@code clock}'s
     * time when the target can lock objects ({@link FileLocks#active()}).
     */
    public Repository(StorageTarget target, String name, Encryption encryption, Immutability immutability, Clock clock) {
        this.target = new LockingTarget(target, java.util.Objects.requireNonNull(immutability, "immutability"),
                java.util.Objects.requireNonNull(clock, "clock"));
        this.locks = new FileLocks(this.target);
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.snapshots = new SnapshotFiles(this.target, this::cipher);
        this.configFile = new ConfigFile(this.target, snapshots);
        this.encryption = new RepositoryEncryption(this.target, name, java.util.Objects.requireNonNull(encryption, "encryption"),
                configFile);
        this.ciphertextChecksums = new CiphertextChecksums(this.target, this::cipher, clock);
    }

    /** How the repository's files are stored; see {@link RepositoryEncryption#cipher()}. */
    RepositoryCipher cipher() {
        return encryption.cipher();
    }

    /** Whether the repository's files are encrypted (it is opened to find out). */
    public boolean encrypted() {
        return cipher().encrypted();
    }

    /**
     * The key slots of an encrypted repository, opened with the configured secret.
     *
     * @throws dev.heirloom.spi.InvalidConfigException when the repository is not encrypted
     */
    public KeySlots keySlots() {
        return encryption.keySlots();
    }

    /**
     * Refuses to read a repository whose {@code heirloom.json} is of another format or a newer
     * version (docs/format.md: a reader must refuse a version it does not know). A missing or
     * damaged one lets readers go on: what is stored can still be restored.
     */
    private void checkReadable() {
        cipher(); // an encrypted one opens only with its secret, before any of its files is read
        configFile.checkReadable();
    }

    /** The locks of this repository's permanent files: configured, set, kept and extended. */
    public FileLocks locks() {
        return locks;
    }

    /** The target itself, for the lock files of this package. */
    StorageTarget target() {
        return target;
    }

    /**
     * What the target can do for this repository (server checksums, staging, hashing on the
     * server): an encrypted repository offers none of these three, since the server holds only
     * ciphertext.
     */
    public Capabilities capabilities() {
        return encryption.capabilities(target.capabilities());
    }

    /**
     * Stores content under a temporary name before its hash is known; see
     * {@link StorageTarget#stage}. The staged bytes become a content object by
     * {@link #publishObject}.
     *
     * @throws UnsupportedOperationException when the target does not stage
     */
    public StagedObject stage(String stageName, ContentSource content) {
        requirePlain("staging");
        return target.stage(stageName, content);
    }

    /**
     * The repository's {@code heirloom.json}, or empty when the target holds no repository yet.
     *
     * @throws StorageException for a foreign or newer one, or one that cannot be read
     */
    public Optional<RepositoryConfig> config() {
        return configFile.read();
    }

    /**
     * Opens the repository, creating {@code heirloom.json} first when the target holds no
     * repository yet. A missing {@code heirloom.json} beside existing snapshots is damage, not a
     * new repository: it is refused rather than recreated under a new id that would hide it.
     */
    public RepositoryConfig initialize(Clock clock) {
        return encryption.initialize(clock);
    }

    /**
     * Writes a new {@code heirloom.json} where it is missing beside snapshots or cannot be read
     * (repair). A foreign or newer one is left alone (the caller sees it refused).
     *
     * @return whether one was written
     */
    public boolean rewriteDamagedConfig(Clock clock) {
        return configFile.rewriteDamaged(clock, encryption.info());
    }

    /**
     * Stat of a content object as stored: its key, its stored size (compare with {@link #storedSize}),
     * and the checksums the target reports of its stored bytes (an encrypted object's ciphertext; see
     * {@link #storedChecksums}).
     */
    public Optional<ObjectInfo> statObject(String sha256) {
        return target.stat(objectKey(sha256));
    }

    /**
     * What content of this size takes on the target: itself in a plain repository; in an encrypted
     * one, its ciphertext (with the padding of format version 3).
     */
    public long storedSize(long contentSize) {
        return cipher().storedSize(contentSize);
    }

    /** The size of a stored content object's content (a padded one's first bytes are read), empty when absent. */
    public Optional<Long> objectSize(String sha256) {
        return contentSize(objectKey(checkReference(sha256)));
    }

    /** The size of a stored tree's plain bytes, as {@link #objectSize}. */
    public Optional<Long> treeSize(String sha256) {
        return contentSize(treeKey(checkReference(sha256)));
    }

    private Optional<Long> contentSize(String key) {
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

    /** The key under which this repository stores a content object (its hash, or a keyed hash). */
    public String objectKey(String sha256) {
        return cipher().objectKey(sha256);
    }

    /**
     * Which of the given content hashes each listed object key stands for (null for a key that is
     * none of them). A plain repository's key names its hash, so nothing is kept; an encrypted one's
     * keyed names are computed once for these hashes.
     */
    public java.util.function.Function<String, String> hashesOfObjectKeys(java.util.Set<String> hashes) {
        if (!cipher().encrypted()) {
            return key -> {
                String hash = key.substring(key.lastIndexOf('/') + 1);
                return hashes.contains(hash) ? hash : null;
            };
        }
        Map<String, String> byKey = new java.util.HashMap<>();
        for (String hash : hashes) {
            byKey.put(objectKey(hash), hash);
        }
        return byKey::get;
    }

    /** The key under which this repository stores a tree. */
    public String treeKey(String sha256) {
        return cipher().treeKey(sha256);
    }

    private void requirePlain(String what) {
        if (cipher().encrypted() || encryption.configured().encrypts()) {
            throw new UnsupportedOperationException(name + ": " + what + " is not offered for an encrypted repository");
        }
    }

    /** Whether the target holds no content object at all (one listing request): a repository's first backup. */
    public boolean holdsNoObjects() {
        return target.list(RepositoryLayout.OBJECTS, Optional.empty(), 1).objects().isEmpty();
    }

    /**
     * Stores a content object unless present. An object already there with the same size counts as
     * stored (its name is its hash; content verification is the verifier's job). The target may
     * commit it with others: it is durable, and visible to other clients, from the next
     * {@link StorageTarget#flush()}, which a snapshot is written only after.
     *
     * @return true when this call wrote it
     */
    public boolean putObject(String sha256, ContentSource content, Checksums expected) {
        RepositoryCipher c = cipher();
        String key = c.objectKey(sha256);
        try {
            write(key, c.seal(key, content, sha256), WriteOptions.createIfAbsent(c.expected(expected.with(
                    ChecksumAlgorithm.SHA256, sha256))).withGroupCommit());
            return true;
        } catch (ObjectExistsException e) {
            return alreadyThere(key, c.storedSize(content.size()), e);
        }
    }

    /**
     * Names staged content as the content object it is, unless that object is present (the
     * same rule as {@link #putObject}). The caller computed {@code sha256} and {@code expected} from
     * the very bytes it staged.
     *
     * @return true when this call published it; false when the object was there (the staged
     *         bytes are then the caller's to discard)
     */
    public boolean publishObject(String sha256, StagedObject staged, Checksums expected) {
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
    public void replaceObject(String sha256, ContentSource content) {
        replace(cipher().objectKey(sha256), sha256, content);
        ciphertextChecksums.save();
    }

    /**
     * Replaces a tree with a good copy of its bytes (repair), checked against its hash like
     * {@link #replaceObject}. The bytes are a tree's plain form, as {@link #openTreeBytes} gives them.
     */
    public void replaceTree(String sha256, ContentSource content) {
        replace(cipher().treeKey(sha256), sha256, content);
    }

    private void replace(String key, String sha256, ContentSource content) {
        RepositoryCipher c = cipher();
        write(key, c.seal(key, content, sha256), WriteOptions.replace(c.expected(Checksums.sha256(sha256))));
    }

    /** Writes a content object or tree; an encrypted one's ciphertext checksums are recorded ({@link CiphertextChecksums}). */
    private void write(String key, ContentSource stored, WriteOptions options) {
        if (cipher().encrypted() && key.startsWith(RepositoryLayout.OBJECTS)) {
            ciphertextChecksums.write(key, stored, options);
        } else {
            target.write(key, stored, options);
        }
    }

    /**
     * Opens a tree's bytes in their plain form, unchecked against its hash (to copy them; {@link #tree}
     * reads and checks). An encrypted tree's bytes are authenticated as they are read.
     */
    public InputStream openTreeBytes(String sha256) {
        return open(treeKey(checkReference(sha256)));
    }

    private InputStream open(String key) {
        return cipher().open(key, target.read(key, 0, -1));
    }

    /**
     * Has the target compute the SHA-256 of a stored content object's bytes (an encrypted one's
     * ciphertext, to compare with {@link #storedChecksums}); see {@link StorageTarget#hashOnServer}.
     */
    public Checksums hashObjectOnServer(String sha256) {
        return target.hashOnServer(objectKey(sha256));
    }

    /**
     * The checksums the target reports of stored objects without reading them back (in listings or
     * stats), whether the repository is encrypted or not: what {@link #storedChecksums} can be
     * compared with.
     */
    public java.util.Set<ChecksumAlgorithm> reportedChecksums() {
        return target.capabilities().serverChecksums();
    }

    /** Whether the target computes an object's SHA-256 on request ({@link #hashObjectOnServer}). */
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
        return ciphertextChecksums.of(objectKey(sha256));
    }

    /**
     * Every stored content object as stored (as {@link #statObject} gives one), in key order. Keys
     * are those of {@link #objectKey}.
     */
    public void forEachObject(Consumer<ObjectInfo> each) {
        forEach(RepositoryLayout.OBJECTS, each);
    }

    /** Every stored tree, in key order, as {@link #forEachObject}. */
    public void forEachTree(Consumer<ObjectInfo> each) {
        forEach(RepositoryLayout.TREES, each);
    }

    /** Every lock file. */
    void forEachLock(Consumer<ObjectInfo> each) {
        forEach(RepositoryLayout.LOCKS, each);
    }

    private void forEach(String prefix, Consumer<ObjectInfo> each) {
        forEach(target, prefix, each);
    }

    /** Every stored key under a prefix, page by page. */
    static void forEach(StorageTarget target, String prefix, Consumer<ObjectInfo> each) {
        Optional<String> token = Optional.empty();
        do {
            ListPage page = target.list(prefix, token, 1000);
            page.objects().forEach(each);
            token = page.nextPageToken();
        } while (token.isPresent());
    }

    /**
     * Deletes a stored object or tree that no snapshot references (prune's second phase).
     *
     * @throws IllegalArgumentException for a key that is not an object or tree of this layout
     */
    public void deleteUnreferenced(String key) {
        if (!RepositoryLayout.isContentKey(key)) {
            throw new IllegalArgumentException("not an object or tree key: " + key);
        }
        target.delete(key);
        ciphertextChecksums.deleted(key);
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

    /**
     * Removes the uploads killed runs left unfinished (staged or partial content); only under the
     * exclusive lock, when no backup can be writing.
     *
     * @return the bytes freed, as far as the target can tell
     */
    public long removeInterruptedUploads() {
        return target.removeInterruptedUploads();
    }

    /** Deletes a snapshot file (forget); the objects and trees it named stay until a prune. */
    public void deleteSnapshot(Snapshot snapshot) {
        target.delete(RepositoryLayout.snapshotKey(snapshot));
    }

    /** Records what is still unrecorded of the objects written (a run that ended early), and closes the target. */
    @Override
    public void close() {
        try {
            ciphertextChecksums.save();
        } catch (StorageException e) {
            org.slf4j.LoggerFactory.getLogger(Repository.class).warn("{}: the checksums of objects just uploaded "
                    + "were not recorded: {}", name, e.getMessage());
        }
        target.close();
    }

    /**
     * Opens a content object for reading, in its plain form (an encrypted one is authenticated
     * segment by segment: damage is a {@link ChecksumMismatchException}, never a wrong byte).
     */
    public InputStream openObject(String sha256) {
        return open(objectKey(checkReference(sha256)));
    }

    /** A hash read from a repository file; anything else means the file is corrupt. */
    private static String checkReference(String hash) {
        if (!RepositoryLayout.isHash(hash)) {
            throw new StorageException("corrupt repository: '" + String.valueOf(hash).replaceAll("\\p{Cntrl}", "?")
                    + "' is not a SHA-256 reference");
        }
        return hash;
    }

    /** Whether the tree is stored. */
    public boolean hasTree(String hash) {
        return treeCache.containsKey(hash) || target.stat(treeKey(hash)).isPresent();
    }

    /**
     * Stores a tree's canonical bytes under their hash unless present; like an object, durable from
     * the next flush.
     *
     * @return true when written
     */
    public boolean putTree(String hash, byte[] canonical) {
        RepositoryCipher c = cipher();
        String key = c.treeKey(hash);
        byte[] stored = c.seal(key, canonical);
        Checksums sums = Checksums.sha256(c.encrypted() ? MultiDigest.sha256Hex(stored) : hash);
        try {
            target.write(key, ContentSource.ofBytes(stored, sums), WriteOptions.createIfAbsent(sums).withGroupCommit());
            return true;
        } catch (ObjectExistsException e) {
            if (target.locks()) {
                target.stat(key).ifPresent(target::keepLocked);
            }
            return false;
        }
    }

    /** Reads a tree, checking that its bytes hash to its name. */
    public Tree tree(String hash) {
        Tree cached = treeCache.get(hash);
        if (cached != null) {
            return cached;
        }
        String key = treeKey(checkReference(hash));
        byte[] bytes = cipher().open(key, readAll(key));
        String actual = MultiDigest.sha256Hex(bytes);
        if (!actual.equals(hash)) {
            throw new ChecksumMismatchException("tree " + key + " is corrupt: its content hashes to " + actual);
        }
        Tree tree = CanonicalJson.read(bytes, Tree.class, key);
        treeCache.put(hash, tree);
        return tree;
    }

    /**
     * Writes a snapshot file once everything it names is stored: flushes the target first, so that
     * the objects and trees are durable before the snapshot that names them, and after.
     */
    public void putSnapshot(Snapshot snapshot) {
        ciphertextChecksums.save();
        snapshots.put(snapshot);
    }

    /**
     * All snapshots, oldest first; a snapshot file that cannot be read is skipped and recorded in
     * {@link #unreadableSnapshots()}.
     *
     * @throws StorageException when {@code heirloom.json} says the repository is not one this
     *                          Heirloom can read (another format, a newer version, unreadable)
     */
    public List<Snapshot> snapshots() {
        checkReadable();
        return snapshots.all();
    }

    /** Snapshot files found unreadable so far (key → why); they are skipped by every reader. */
    public Map<String, String> unreadableSnapshots() {
        return snapshots.unreadable();
    }

    /** The bytes of a snapshot file, when it is a readable snapshot (to copy it to another target). */
    public Optional<byte[]> snapshotFile(String key) {
        return snapshots.file(key);
    }

    /** Writes a good copy of a snapshot file over a damaged one (repair). */
    public void replaceSnapshotFile(String key, byte[] bytes) {
        snapshots.replaceFile(key, bytes);
    }

    /**
     * The newest snapshot of the given source label, usually in one read however long the history
     * (snapshot files are named by their time); see {@link SnapshotFiles#latest}.
     */
    public Optional<Snapshot> latest(String source) {
        checkReadable();
        return snapshots.latest(source);
    }

    /** The snapshot whose id starts with the given prefix (at least 4 hex digits, unambiguous). */
    public Snapshot snapshot(String idPrefix) {
        checkReadable();
        return snapshots.byIdPrefix(idPrefix);
    }

    /** Reads a small JSON state file (such as {@code verify/…}), empty when absent. */
    public <T> Optional<T> readJson(String key, Class<T> type) {
        if (target.stat(key).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(CanonicalJson.read(cipher().open(key, readAll(key)), type, key));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Writes or atomically replaces a small JSON state file. */
    public void replaceJson(String key, Object value) {
        byte[] bytes = cipher().seal(key, CanonicalJson.write(value));
        target.write(key, ContentSource.ofBytes(bytes), WriteOptions.replace(Checksums.sha256(MultiDigest.sha256Hex(bytes))));
    }

    private byte[] readAll(String key) {
        return readAll(target, key);
    }

    /** A small repository file's bytes. */
    static byte[] readAll(StorageTarget target, String key) {
        try (InputStream in = target.read(key, 0, -1)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }
}
