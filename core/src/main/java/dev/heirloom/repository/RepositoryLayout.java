package dev.heirloom.repository;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/** Where each kind of repository file lives; see {@code docs/format.md}. */
public final class RepositoryLayout {
    /** The file that marks a repository and says how to read it. */
    public static final String CONFIG = "heirloom.json";
    /** Where content objects live, two hex digits of fan-out below. */
    public static final String OBJECTS = "objects/";
    /** Where trees (one per folder) live, as objects do. */
    public static final String TREES = "trees/";
    /** Where snapshot files live, named by their time and id. */
    public static final String SNAPSHOTS = "snapshots/";
    /** Where the lock files of running operations live. */
    public static final String LOCKS = "locks/";
    /** An encrypted repository's key slots. */
    public static final String KEYS = "keys/";
    /** Objects and trees a prune found unreferenced, with when it first saw each so. */
    public static final String PRUNE_PENDING = "prune/pending.json";
    /** What the last lock extension found: until when every file the kept snapshots need is locked. */
    public static final String LOCK_EXTENSION = "immutability/last-extension.json";
    /** Which share of the objects the next sampled content verification reads. */
    public static final String VERIFY_ROTATION = "verify/rotation.json";
    /** An encrypted repository's records of its objects' ciphertext checksums. */
    public static final String CHECKSUMS = "checksums/";

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    /** An object's or tree's key: its folder, its first two hex digits, its 64 (a hash, or a keyed one). */
    private static final Pattern CONTENT_KEY = Pattern.compile("(objects|trees)/([0-9a-f]{2})/\\2[0-9a-f]{62}");

    private RepositoryLayout() {
    }

    /** {@code objects/ab/abcdef…} for a content hash. */
    public static String objectKey(String sha256) {
        return OBJECTS + fanOut(sha256);
    }

    /** {@code trees/cd/cdef01…} for a tree hash. */
    public static String treeKey(String sha256) {
        return TREES + fanOut(sha256);
    }

    /** {@code snapshots/20261126T031500Z-0123456789abcdef.json}. */
    public static String snapshotKey(Snapshot snapshot) {
        return SNAPSHOTS + compactTime(snapshot.time()) + "-" + snapshot.id() + ".json";
    }

    /** {@code checksums/20261207T181150Z-732223f0f1ca4e3d.json}: a record written at {@code time}, told apart by {@code random}. */
    public static String checksumsKey(Instant time, String random) {
        return CHECKSUMS + compactTime(time) + "-" + random + ".json";
    }

    /** A time to the second as file names give it: {@code 20261126T031500Z}. */
    private static String compactTime(Instant time) {
        return time.toString().replaceAll("[-:]", "").replaceAll("\\.\\d+", "");
    }

    /** {@code verify/last-<level>.json}: the last verification at that level. */
    public static String lastVerification(String levelLabel) {
        return "verify/last-" + levelLabel + ".json";
    }

    /** Whether a string is a lowercase SHA-256 hex. */
    public static boolean isHash(String value) {
        return value != null && HASH.matcher(value).matches();
    }

    /** Whether a key is that of a content object or tree, by its shape alone. */
    public static boolean isContentKey(String key) {
        return key != null && CONTENT_KEY.matcher(key).matches();
    }

    /**
     * Whether a key is one of the files a repository keeps for good and locks on an immutable
     * target: content objects, trees, snapshots, key slots and {@code heirloom.json}. Lock files and
     * the state files (verification records, prune marks, the lock extension's record) are not.
     */
    public static boolean isPermanent(String key) {
        return key.equals(CONFIG) || key.startsWith(OBJECTS) || key.startsWith(TREES) || key.startsWith(SNAPSHOTS)
                || key.startsWith(KEYS);
    }

    private static String fanOut(String sha256) {
        if (!isHash(sha256)) {
            throw new IllegalArgumentException("not a SHA-256 hex: " + sha256.toLowerCase(Locale.ROOT));
        }
        return sha256.substring(0, 2) + "/" + sha256;
    }
}
