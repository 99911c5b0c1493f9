package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.DigestingInputStream;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The checksums an encrypted repository's content objects have as stored (their ciphertext),
 * computed while each is uploaded and kept in sealed files under {@code checksums/}
 * (docs/format.md), so that verification at the checksum level compares them with what the target
 * reports without reading an object back. Only the algorithms the target reports are kept, and none
 * at all for a target that reports none. Every encryption of the same content differs, so an object
 * may have several recorded sets (a repair wrote it again): its stored bytes are sound when they
 * match any of them, since each is an authentic encryption of its content. Thread-safe.
 */
final class CiphertextChecksums {
    private static final Logger LOG = LoggerFactory.getLogger(CiphertextChecksums.class);
    private static final int VERSION = 1;

    /** A {@code checksums/} file: object key → the checksum sets recorded for it (algorithm name → hex). */
    record ChecksumFile(int version, Map<String, List<Map<String, String>>> objects) {
    }

    private final StorageTarget target;
    private final Supplier<RepositoryCipher> cipher;
    private final Clock clock;
    private final Map<String, Checksums> pending = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private volatile Map<String, List<Checksums>> recorded;

    CiphertextChecksums(StorageTarget target, Supplier<RepositoryCipher> cipher, Clock clock) {
        this.target = target;
        this.cipher = cipher;
        this.clock = clock;
    }

    /**
     * The algorithms whose values the target gives for stored bytes: those its listings and stats
     * report, and SHA-256 when it hashes on the server.
     */
    Set<ChecksumAlgorithm> algorithms() {
        Set<ChecksumAlgorithm> all = EnumSet.noneOf(ChecksumAlgorithm.class);
        all.addAll(target.capabilities().serverChecksums());
        if (target.capabilities().serverHashing()) {
            all.add(ChecksumAlgorithm.SHA256);
        }
        return all;
    }

    /**
     * Writes sealed content, recording the checksums of the bytes the target took. A retried write
     * reads the content again, and each reading encrypts anew: what is recorded is the last reading,
     * and only when the target read it to its end. Ciphertext cannot be given to the target to check
     * before it is made, so it is checked after: when the target reports other checksums than those
     * of the bytes sent, the object it stored is removed and the write fails.
     *
     * @return what the target returned
     * @throws StorageException when the target stored other bytes than it was sent (the target's
     *                          fault, not the content's: the write is not retried with the content read again)
     */
    ObjectInfo write(String key, ContentSource sealed, WriteOptions options) {
        Set<ChecksumAlgorithm> algorithms = algorithms();
        if (algorithms.isEmpty()) {
            return target.write(key, sealed, options);
        }
        Recording recording = new Recording(sealed, algorithms);
        ObjectInfo info = target.write(key, recording, options);
        Optional<Checksums> sent = recording.result();
        if (sent.isPresent()) {
            Optional<ChecksumAlgorithm> differs = sent.get().firstMismatch(info.checksums());
            if (differs.isPresent()) {
                throw storedOtherBytes(key, differs.get(), sent.get(), info.checksums());
            }
            pending.put(key, sent.get());
        }
        return info;
    }

    private StorageException storedOtherBytes(String key, ChecksumAlgorithm a, Checksums sent, Checksums stored) {
        String removed;
        try {
            target.delete(key);
            removed = "it was removed, and the next backup sends it again";
        } catch (StorageException e) {
            removed = "it could not be removed (" + e.getMessage() + "); verification reports it";
        }
        return new StorageException(key + ": the target stored other bytes than were sent (" + a + " "
                + stored.get(a).orElse("?") + ", sent " + sent.get(a).orElse("?") + "); " + removed);
    }

    /**
     * Records the checksums of an object's stored bytes, read back whole and found to be an authentic
     * encryption of its content (a content verification of an object that had no record).
     */
    void recordRead(String key, Checksums stored) {
        pending.putIfAbsent(key, stored);
    }

    /** An object deleted (prune): its records go at the next {@link #compact()}. */
    void deleted(String key) {
        deleted.add(key);
        pending.remove(key);
    }

    /**
     * Writes what was recorded since the last save to a new {@code checksums/} file. A file that
     * cannot be written loses only the checksum level's view of those objects (their content is
     * checked at the content level), so a failure other than an outage is logged, not thrown.
     */
    void save() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Checksums> saving = new HashMap<>(pending);
        Map<String, List<Checksums>> entries = new TreeMap<>();
        saving.forEach((key, sums) -> entries.put(key, List.of(sums)));
        try {
            writeFile(entries);
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            LOG.warn("cannot record the checksums of {} uploaded object(s): {}", saving.size(), e.getMessage());
            return;
        }
        saving.forEach(pending::remove);
        Map<String, List<Checksums>> loaded = recorded;
        if (loaded != null) {
            synchronized (this) {
                entries.forEach((key, sets) -> sets.forEach(sums -> merge(loaded, key, sums)));
            }
        }
    }

    /**
     * The checksum sets recorded for an object's stored bytes; empty when none was (uploaded by an
     * older Heirloom, or its record was lost).
     */
    List<Checksums> of(String key) {
        Checksums fresh = pending.get(key);
        Map<String, List<Checksums>> loaded = load();
        List<Checksums> saved;
        synchronized (this) {
            saved = List.copyOf(loaded.getOrDefault(key, List.of()));
        }
        if (fresh == null) {
            return saved;
        }
        List<Checksums> all = new ArrayList<>(saved);
        all.add(fresh);
        return all;
    }

    /**
     * Rewrites every {@code checksums/} file as one, without the objects deleted since this
     * repository was opened; only under the exclusive lock (prune), when no backup can be saving.
     */
    void compact() {
        List<String> files = files();
        if (files.size() <= 1 && deleted.isEmpty()) {
            return;
        }
        Map<String, List<Checksums>> all = new TreeMap<>(load());
        all.keySet().removeAll(deleted);
        if (!all.isEmpty()) {
            writeFile(all);
        }
        for (String file : files) {
            target.delete(file);
        }
        deleted.clear();
    }

    private void writeFile(Map<String, List<Checksums>> entries) {
        Map<String, List<Map<String, String>>> objects = new TreeMap<>();
        entries.forEach((key, sets) -> objects.put(key, sets.stream().map(CiphertextChecksums::names).toList()));
        String key = RepositoryLayout.checksumsKey(clock.instant(),
                UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        byte[] bytes = cipher.get().seal(key, CanonicalJson.write(new ChecksumFile(VERSION, objects)));
        target.write(key, ContentSource.ofBytes(bytes), WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(bytes))));
    }

    private Map<String, List<Checksums>> load() {
        Map<String, List<Checksums>> loaded = recorded;
        if (loaded != null) {
            return loaded;
        }
        synchronized (this) {
            if (recorded == null) {
                Map<String, List<Checksums>> all = new HashMap<>();
                for (String file : files()) {
                    read(file).forEach((key, sets) -> sets.forEach(sums -> merge(all, key, sums)));
                }
                recorded = all;
            }
            return recorded;
        }
    }

    private List<String> files() {
        List<String> files = new ArrayList<>();
        Repository.forEach(target, RepositoryLayout.CHECKSUMS, info -> files.add(info.key()));
        return files;
    }

    /** One file's entries; a damaged or vanished one counts as empty (what it held is unverifiable). */
    private Map<String, List<Checksums>> read(String file) {
        try {
            ChecksumFile f = CanonicalJson.read(cipher.get().open(file, Repository.readAll(target, file)), ChecksumFile.class, file);
            if (f.objects() == null) {
                throw new StorageException(file + " holds no object list");
            }
            Map<String, List<Checksums>> entries = new HashMap<>();
            f.objects().forEach((key, sets) -> entries.put(key, sets.stream().map(CiphertextChecksums::parse).toList()));
            return entries;
        } catch (ObjectNotFoundException e) {
            return Map.of();
        } catch (StorageException | IllegalArgumentException | NullPointerException e) {
            if (e instanceof StorageException s && s.isTransient()) {
                throw s;
            }
            LOG.warn("ignoring the damaged checksum record {}: {}", file, e.getMessage());
            return Map.of();
        }
    }

    private static void merge(Map<String, List<Checksums>> into, String key, Checksums sums) {
        List<Checksums> sets = into.computeIfAbsent(key, k -> new ArrayList<>(1));
        if (!sets.contains(sums)) {
            sets.add(sums);
        }
    }

    private static Map<String, String> names(Checksums sums) {
        Map<String, String> named = new TreeMap<>();
        sums.values().forEach((a, hex) -> named.put(a.name().toLowerCase(Locale.ROOT), hex));
        return named;
    }

    private static Checksums parse(Map<String, String> named) {
        Map<ChecksumAlgorithm, String> values = new EnumMap<>(ChecksumAlgorithm.class);
        named.forEach((name, hex) -> values.put(ChecksumAlgorithm.valueOf(name.toUpperCase(Locale.ROOT)), hex));
        return new Checksums(values);
    }

    /** Sealed content whose readings are digested; {@link #result()} is that of the last one, when whole. */
    private static final class Recording implements ContentSource {
        private final ContentSource sealed;
        private final Set<ChecksumAlgorithm> algorithms;
        /** Guarded by this: how many readings were opened, which one last came whole, and its checksums. */
        private long readings;
        private long lastWhole = -1;
        private Checksums last;

        Recording(ContentSource sealed, Set<ChecksumAlgorithm> algorithms) {
            this.sealed = sealed;
            this.algorithms = algorithms;
        }

        @Override
        public long size() {
            return sealed.size();
        }

        @Override
        public java.util.Optional<String> identity() {
            return sealed.identity();
        }

        @Override
        public InputStream open() throws IOException {
            long reading;
            synchronized (this) {
                reading = ++readings;
            }
            MultiDigest digest = MultiDigest.exactly(algorithms);
            return new DigestingInputStream(sealed.open(), digest) {
                private boolean done;

                @Override
                protected void afterRead(int n) {
                    if (n != 0) {
                        whole();
                    }
                }

                @Override
                public void close() throws IOException {
                    whole();
                    super.close();
                }

                /** Records the digest once the whole content went through, and only then. */
                private void whole() {
                    if (!done && digest.length() == sealed.size()) {
                        done = true;
                        synchronized (Recording.this) {
                            last = digest.finish();
                            lastWhole = reading;
                        }
                    }
                }
            };
        }

        synchronized Optional<Checksums> result() {
            return lastWhole == readings ? Optional.ofNullable(last) : Optional.empty();
        }
    }
}
