package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.WriteOptions;

import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A repository's trees ({@code trees/}, docs/format.md): one per folder, named by (a keyed hash
 * of) the SHA-256 of its canonical bytes. Trees read are checked against their hash and kept in a
 * bounded in-memory cache (they never change). Thread-safe; reached through {@link Repository#trees()}.
 */
public final class TreeFiles extends StoredContent {
    private static final int CACHE_SIZE = 20_000;

    private final Map<String, Tree> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Tree> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    TreeFiles(LockingTarget target, Supplier<RepositoryCipher> cipher) {
        super(target, cipher);
    }

    /** The key under which the repository stores a tree. */
    public String key(String sha256) {
        return cipher().treeKey(sha256);
    }

    /** Whether the tree is stored. */
    public boolean has(String hash) {
        return cache.containsKey(hash) || target.stat(key(hash)).isPresent();
    }

    /**
     * Stores a tree's canonical bytes under their hash unless present; like an object, durable from
     * the next flush.
     *
     * @return true when written
     */
    public boolean put(String hash, byte[] canonical) {
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

    /**
     * Reads a tree, checking that its bytes hash to its name.
     *
     * @throws ChecksumMismatchException when they do not
     */
    public Tree get(String hash) {
        Tree cached = cache.get(hash);
        if (cached != null) {
            return cached;
        }
        String key = key(checkReference(hash));
        byte[] bytes = cipher().open(key, Repository.readAll(target, key));
        String actual = MultiDigest.sha256Hex(bytes);
        if (!actual.equals(hash)) {
            throw new ChecksumMismatchException("tree " + key + " is corrupt: its content hashes to " + actual);
        }
        Tree tree = CanonicalJson.read(bytes, Tree.class, key);
        cache.put(hash, tree);
        return tree;
    }

    /** The size of a stored tree's plain bytes, empty when it is absent. */
    public Optional<Long> size(String hash) {
        return contentSize(key(checkReference(hash)));
    }

    /**
     * Replaces a tree with a good copy of its bytes (repair), in their plain form as {@link #openBytes}
     * gives them; the target publishes it only if it hashes to its name.
     */
    public void replace(String hash, ContentSource content) {
        replace(key(hash), hash, content);
    }

    /**
     * Opens a tree's bytes in their plain form, unchecked against its hash (to copy them; {@link #get}
     * reads and checks). An encrypted tree's bytes are authenticated as they are read.
     */
    public InputStream openBytes(String hash) {
        return openStored(key(checkReference(hash)));
    }

    /** Every stored tree as stored (its key, its stored size), in key order. */
    public void forEach(Consumer<ObjectInfo> each) {
        Repository.forEach(target, RepositoryLayout.TREES, each);
    }

    @Override
    void write(String key, ContentSource sealed, WriteOptions options) {
        target.write(key, sealed, options);
    }
}
