package dev.heirloom.repository;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;


import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one door to the repository on one target: its {@link #objects()} and {@link #trees()},
 * snapshots, {@code heirloom.json}, keys, locks and the small state files (verification records,
 * prune marks). Nothing outside this package calls the {@link StorageTarget} for repository data,
 * so a feature that concerns every repository file (encryption, keyed names, immutability) has one
 * place to live. Thread-safe; closing it closes the target.
 */
public final class Repository implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Repository.class);
    private final LockingTarget target;
    private final FileLocks locks;
    private final String name;
    private final SnapshotFiles snapshots;
    private final ConfigFile configFile;
    private final RepositoryEncryption encryption;
    private final CiphertextChecksums ciphertextChecksums;
    private final ObjectFiles objects;
    private final TreeFiles trees;

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
        this.objects = new ObjectFiles(this.target, this::cipher, name, this.encryption, ciphertextChecksums);
        this.trees = new TreeFiles(this.target, this::cipher);
    }

    /** The content objects: the bytes of the files backed up. */
    public ObjectFiles objects() {
        return objects;
    }

    /** The trees: one per folder of a source. */
    public TreeFiles trees() {
        return trees;
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
            LOG.warn("{}: the checksums of objects just uploaded "
                    + "were not recorded: {}", name, e.getMessage());
        }
        target.close();
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
