package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The snapshot files of one repository ({@code snapshots/<time>-<id>.json}): writing them last,
 * listing them, finding the latest of a source in one read, and skipping (and remembering) one
 * that cannot be read. The part of {@link Repository} that knows snapshot files.
 */
final class SnapshotFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
    static final Comparator<Snapshot> SNAPSHOT_ORDER = Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id);
    /** The layout's snapshot names, whose first 16 characters after the folder are the time to the second. */
    private static final Pattern SNAPSHOT_NAME = Pattern.compile(
            Pattern.quote(RepositoryLayout.SNAPSHOTS) + "\\d{8}T\\d{6}Z-[0-9a-f]+\\.json");

    private final StorageTarget target;
    private final java.util.function.Supplier<RepositoryCipher> cipher;
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();

    SnapshotFiles(StorageTarget target, java.util.function.Supplier<RepositoryCipher> cipher) {
        this.target = target;
        this.cipher = cipher;
    }

    /**
     * Writes a snapshot file once everything it names is stored: flushes the target first, so that
     * the objects and trees are durable before the snapshot that names them, and after.
     */
    void put(Snapshot snapshot) {
        String key = RepositoryLayout.snapshotKey(snapshot);
        byte[] bytes = cipher.get().seal(key, seal(CanonicalJson.write(snapshot)));
        target.flush();
        target.write(key, ContentSource.ofBytes(bytes),
                WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(bytes))));
        target.flush();
    }

    /** All readable snapshots, oldest first. */
    List<Snapshot> all() {
        List<Snapshot> result = new ArrayList<>();
        for (String key : keys()) {
            readSnapshot(key).ifPresent(result::add);
        }
        result.sort(SNAPSHOT_ORDER);
        return result;
    }

    /**
     * Reads one snapshot file; one that is truncated, empty or not a snapshot is recorded in
     * {@link #unreadable()} and skipped, so that it does not make the whole target
     * unusable (the others, and the objects they name, are still there).
     */
    private Optional<Snapshot> readSnapshot(String key) {
        try {
            return Optional.of(parse(plain(key), key));
        } catch (StorageException e) {
            if (e.isTransient() || e instanceof ObjectNotFoundException
                    || e instanceof dev.heirloom.spi.InvalidConfigException) {
                throw e; // the target, or the secret to open it, not this file
            }
            if (unreadable.put(key, e.getMessage()) == null) {
                LOG.warn("{} is unreadable and skipped ({}); 'heirloom repair' copies it back from another target", key,
                        e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** Snapshot files found unreadable so far (key → why); they are skipped by every reader. */
    Map<String, String> unreadable() {
        return Map.copyOf(unreadable);
    }

    /** A stored snapshot file's plain bytes (decrypted in an encrypted repository). */
    private byte[] plain(String key) {
        return cipher.get().open(key, Repository.readAll(target, key));
    }

    /**
     * The plain bytes of a snapshot file, when it is a readable snapshot (to copy it to another
     * target, which stores them its own way).
     */
    Optional<byte[]> file(String key) {
        requireSnapshotKey(key);
        if (target.stat(key).isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = plain(key);
            parse(bytes, key);
            return Optional.of(bytes);
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Writes a good copy of a snapshot file (its plain bytes) over a damaged one (repair). */
    void replaceFile(String key, byte[] bytes) {
        requireSnapshotKey(key);
        parse(bytes, key);
        byte[] stored = cipher.get().seal(key, bytes);
        target.write(key, ContentSource.ofBytes(stored), WriteOptions.replace(Checksums.sha256(MultiDigest.sha256Hex(stored))));
        unreadable.remove(key);
    }

    /** The end of a sealed snapshot file: {@code ,"check":"<SHA-256 of the file as it would be without it>"}}. */
    private static final String CHECK = ",\"check\":\"";
    private static final int TAIL = CHECK.length() + 64 + 2;

    /**
     * A snapshot's canonical bytes with its own checksum as a last field, so that damage anywhere in
     * the file is found (the objects and trees it names have their hashes; its own fields did not).
     */
    static byte[] seal(byte[] canonical) {
        String check = CHECK + MultiDigest.sha256Hex(canonical) + "\"}";
        byte[] out = java.util.Arrays.copyOf(canonical, canonical.length - 1 + check.length());
        System.arraycopy(check.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, out, canonical.length - 1,
                check.length());
        return out;
    }

    /**
     * Reads a snapshot file, checking its seal; a file without one is read as it is (written before
     * snapshots were sealed, and so also without {@code reached}).
     *
     * @throws ChecksumMismatchException when the seal does not match, or a sealed snapshot's seal is gone
     */
    static Snapshot parse(byte[] bytes, String key) {
        String tail = bytes.length > TAIL ? new String(bytes, bytes.length - TAIL, TAIL,
                java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        if (tail.startsWith(CHECK) && tail.endsWith("\"}")) {
            byte[] body = java.util.Arrays.copyOf(bytes, bytes.length - TAIL + 1);
            body[body.length - 1] = '}';
            String check = tail.substring(CHECK.length(), CHECK.length() + 64);
            String actual = MultiDigest.sha256Hex(body);
            if (!actual.equals(check)) {
                throw new ChecksumMismatchException(key + " is corrupt: its content hashes to " + actual + ", its seal says "
                        + check);
            }
            return CanonicalJson.read(body, Snapshot.class, key);
        }
        Snapshot snapshot = CanonicalJson.read(bytes, Snapshot.class, key);
        if (snapshot.reached() != null) {
            throw new ChecksumMismatchException(key + " is corrupt: it lost the seal every snapshot with 'reached' has");
        }
        return snapshot;
    }

    private static void requireSnapshotKey(String key) {
        if (!key.startsWith(RepositoryLayout.SNAPSHOTS)) {
            throw new IllegalArgumentException("not a snapshot key: " + key);
        }
    }

    /** The keys of every snapshot file. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        Repository.forEach(target, RepositoryLayout.SNAPSHOTS, info -> {
            if (info.key().endsWith(".json")) {
                keys.add(info.key());
            }
        });
        return keys;
    }

    /**
     * The newest snapshot of the given source label. Snapshot files are named by their time to the
     * second, so they are read newest first and only until the newest of this source is certain:
     * usually one read, however long the history (a nightly backup on a cloud target would
     * otherwise fetch every snapshot ever kept, every night). A repository whose snapshot names do
     * not follow the layout is read whole.
     */
    Optional<Snapshot> latest(String source) {
        List<String> keys = keys();
        if (!keys.stream().allMatch(k -> SNAPSHOT_NAME.matcher(k).matches())) {
            return latestOfAll(source);
        }
        keys.sort(Comparator.reverseOrder());
        Snapshot best = null;
        String bestSecond = null;
        for (String key : keys) {
            String second = key.substring(0, RepositoryLayout.SNAPSHOTS.length() + 16);
            if (bestSecond != null && !second.equals(bestSecond)) {
                break; // every later key is an older second
            }
            Optional<Snapshot> read = readSnapshot(key);
            if (read.isEmpty()) {
                continue;
            }
            Snapshot s = read.get();
            if (!RepositoryLayout.snapshotKey(s).equals(key)) {
                return latestOfAll(source); // a name that does not tell its time: read them all
            }
            if (s.source().equals(source) && (best == null || SNAPSHOT_ORDER.compare(s, best) > 0)) {
                best = s;
                bestSecond = second;
            }
        }
        return Optional.ofNullable(best);
    }

    private Optional<Snapshot> latestOfAll(String source) {
        List<Snapshot> all = all();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).source().equals(source)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** The snapshot whose id starts with the given prefix (at least 4 hex digits, unambiguous). */
    Snapshot byIdPrefix(String idPrefix) {
        if (idPrefix.length() < 4) {
            throw new IllegalArgumentException("give at least 4 characters of a snapshot id");
        }
        List<Snapshot> matches = all().stream().filter(s -> s.id().startsWith(idPrefix)).toList();
        if (matches.isEmpty()) {
            throw new ObjectNotFoundException("snapshot " + idPrefix);
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("snapshot id " + idPrefix + " is ambiguous");
        }
        return matches.get(0);
    }
}
