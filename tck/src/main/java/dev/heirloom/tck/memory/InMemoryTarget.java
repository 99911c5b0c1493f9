package dev.heirloom.tck.memory;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe in-memory object store, computing SHA-256, MD5 and CRC-32C for every object as a
 * server would. Counts writes and bytes so tests can assert what a run stored.
 */
public final class InMemoryTarget implements StorageTarget {
    private record Stored(byte[] bytes, Instant modified, Checksums checksums) {
    }

    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private final boolean staging;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();

    public InMemoryTarget() {
        this(Clock.systemUTC());
    }

    public InMemoryTarget(Clock clock) {
        this(clock, true);
    }

    private InMemoryTarget(Clock clock, boolean staging) {
        this.clock = clock;
        this.staging = staging;
    }

    /**
     * A memory target that does not {@linkplain StorageTarget#stage stage} content, as many
     * providers do not: tests use it for the path core takes with those.
     */
    public static InMemoryTarget withoutStaging() {
        return new InMemoryTarget(Clock.systemUTC(), false);
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder()
                .serverChecksums(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.MD5, ChecksumAlgorithm.CRC32C)
                .conditionalCreate(true).atomicReplace(true).rangeRead(true).maxConcurrency(16).staging(staging).build();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.check(key);
        Stored s = objects.get(key);
        return s == null ? Optional.empty() : Optional.of(info(key, s));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        ObjectKeys.check(key);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Stored s = objects.get(key);
        if (s == null) {
            throw new ObjectNotFoundException(key);
        }
        int from = (int) Math.min(offset, s.bytes.length);
        int count = length < 0 ? s.bytes.length - from : (int) Math.min(length, s.bytes.length - from);
        bytesRead.addAndGet(count);
        return new ByteArrayInputStream(s.bytes, from, count);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("the in-memory target");
        ObjectKeys.check(key);
        return store(key, readAll(key, content), options);
    }

    /** Holds the content in memory until published; like a backend, checks every checksum on publishing. */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        if (!staging) {
            return StorageTarget.super.stage(stageName, content);
        }
        byte[] bytes = readAll(stageName, content);
        Object id = new Object();
        staged.put(id, bytes.length);
        return StagedObject.of(bytes.length, (key, options) -> {
            options.refuseLock("the in-memory target");
            ObjectKeys.check(key);
            if (!staged.containsKey(id)) {
                throw new ObjectNotFoundException("staged content for " + key + " (removed as an interrupted upload)");
            }
            return store(key, bytes, options);
        }, () -> staged.remove(id));
    }

    /** Staged content neither published nor closed, by identity, with its size. */
    private final java.util.Map<Object, Integer> staged = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public long removeInterruptedUploads() {
        long freed = 0;
        for (Object id : List.copyOf(staged.keySet())) {
            Integer size = staged.remove(id);
            freed += size == null ? 0 : size;
        }
        return freed;
    }

    private static byte[] readAll(String what, ContentSource content) {
        byte[] bytes;
        try (InputStream in = content.open()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new StorageException("cannot read the content for " + what + ": " + e.getMessage(), e);
        }
        if (bytes.length != content.size()) {
            throw new ChecksumMismatchException("content for " + what + " has " + bytes.length
                    + " bytes, expected " + content.size());
        }
        return bytes;
    }

    private ObjectInfo store(String key, byte[] bytes, WriteOptions options) {
        MultiDigest digest = new MultiDigest(EnumSet.allOf(ChecksumAlgorithm.class));
        digest.update(bytes, 0, bytes.length);
        Checksums actual = digest.finish();
        Optional<ChecksumAlgorithm> bad = options.expected().firstMismatch(actual);
        if (bad.isPresent()) {
            throw new ChecksumMismatchException("content for " + key + " does not match its expected " + bad.get());
        }
        Stored stored = new Stored(bytes, clock.instant(), actual);
        if (options.ifAbsent()) {
            if (objects.putIfAbsent(key, stored) != null) {
                throw new ObjectExistsException(key);
            }
        } else {
            objects.put(key, stored);
        }
        writes.incrementAndGet();
        bytesWritten.addAndGet(bytes.length);
        return info(key, stored);
    }

    @Override
    public void delete(String key) {
        ObjectKeys.check(key);
        objects.remove(key);
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(prefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        List<ObjectInfo> page = new ArrayList<>();
        Map<String, Stored> tail = pageToken.isPresent() ? objects.tailMap(pageToken.get(), false)
                : objects.tailMap(prefix, true);
        String last = null;
        for (Map.Entry<String, Stored> e : tail.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                if (e.getKey().compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            if (page.size() == pageSize) {
                return ListPage.of(page, Optional.of(last));
            }
            page.add(info(e.getKey(), e.getValue()));
            last = e.getKey();
        }
        return ListPage.of(page, Optional.empty());
    }

    @Override
    public void close() {
        // nothing to release; the content stays for other handles on the same store
    }

    /** Successful writes so far. */
    public long writeCount() {
        return writes.get();
    }

    /** Bytes handed out by reads so far (each read counted whole, whether or not its stream was read). */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Bytes of successful writes so far. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /**
     * Replaces an object's bytes without any check, as silent corruption of the medium would; the
     * checksums this target reports follow the new bytes, as a service that recomputes them
     * (GCS) would report. For tests.
     */
    public void corrupt(String key, byte[] bytes) {
        Stored old = objects.get(key);
        if (old == null) {
            throw new ObjectNotFoundException(key);
        }
        MultiDigest digest = new MultiDigest(EnumSet.allOf(ChecksumAlgorithm.class));
        digest.update(bytes, 0, bytes.length);
        objects.put(key, new Stored(bytes.clone(), old.modified, digest.finish()));
    }

    private static ObjectInfo info(String key, Stored s) {
        return ObjectInfo.of(key, s.bytes.length, Optional.of(s.modified), s.checksums);
    }
}
