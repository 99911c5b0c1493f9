package dev.heirloom.backup;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One target of a run: its repository, its latest snapshot (what it already holds), what was
 * written to it, and whether it failed (a failed lane is dropped for the rest of the run and gets
 * no snapshot).
 */
final class Lane {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    final String name;
    final Repository repo;
    final AtomicReference<StorageException> failure = new AtomicReference<>();
    /** Objects being stored right now, so that files with the same content wait for one upload. */
    final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    final AtomicLong objectsWritten = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong objectsPresent = new AtomicLong();
    final AtomicLong treesWritten = new AtomicLong();
    /** Trees of the latest snapshot that could not be read (missing, corrupt): written again, replacing. */
    final java.util.Set<String> unreadableTrees = ConcurrentHashMap.newKeySet();
    /** Of those, the ones the source gave again and that were stored anew. */
    final AtomicLong treesRewritten = new AtomicLong();
    private final ProgressListener listener;
    /** The target's latest snapshot of this source; null when it has none. */
    Snapshot parent;
    /**
     * Whether the target held no object when the run began: a first backup, whose new objects are
     * written without asking first whether they are there (a write that finds one, stored meanwhile
     * by this run or another, fails if-absent and counts it as present).
     */
    boolean startedEmpty;

    Lane(BackupEngine.Destination d, ProgressListener listener) {
        this.name = d.name();
        this.repo = d.repository();
        this.listener = listener;
    }

    boolean alive() {
        return failure.get() == null;
    }

    void fail(StorageException e) {
        if (failure.compareAndSet(null, e)) {
            LOG.error("target {} failed; it gets no snapshot this run: {}", name, e.getMessage());
            listener.targetFailed(name, e);
        }
    }

    /** An object this run stored here. */
    void wrote(long size) {
        dev.heirloom.storage.CrashPoints.reach("after-object-upload");
        objectsWritten.incrementAndGet();
        bytesWritten.addAndGet(size);
        listener.bytesStored(name, size);
    }
}
