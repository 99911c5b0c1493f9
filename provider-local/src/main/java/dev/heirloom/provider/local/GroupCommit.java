package dev.heirloom.provider.local;

import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Create-if-absent writes made durable together. Each new object is written, without a flush of its
 * own, to a temporary file beside its name (the caller's); a commit makes the whole batch durable
 * with one {@link FileSystemSync} and only then gives each object its name, in the order written,
 * so a name never appears before its bytes are on the disk and a tree never before the objects it
 * lists. Until its commit an object is visible to this target only ({@link #pending}); a killed
 * process leaves its batch as temporary files, which the target's prune-time clean-up removes.
 * A batch commits when it holds {@link Limits#objects()} objects or {@link Limits#bytes()} bytes or
 * is {@link Limits#age()} old, on the writer that filled it, and at every {@link #commitDurably()}
 * (the target's flush). A failed commit is final: every later write and commit fails with it, so no
 * snapshot can name an object that may have been lost.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** How the temporary file of a pending object is named, in its object's folder. */
    static final String TEMP_PREFIX = TemporaryFiles.PREFIX + "g-";

    /** When a batch is committed without waiting for a flush. */
    record Limits(int objects, long bytes, Duration age) {
        static final Limits DEFAULT = new Limits(10_000, 256L << 20, Duration.ofSeconds(30));
    }

    /** An object written and not yet named. */
    record Pending(String key, Path temp, Path target, long size, Instant modified) {
    }

    /** Gives a durable temporary file its name; false when the name was taken meanwhile (same content: its hash). */
    interface Publisher {
        boolean publish(Pending p) throws IOException;
    }

    private final Path root;
    /** Opens the sync at the first new object (loading JNA costs about 0.1 s, which a run that stores nothing never pays). */
    private final Supplier<Optional<FileSystemSync>> opener;
    private volatile FileSystemSync sync;
    private volatile boolean unavailable;
    private final Publisher publisher;
    private final Limits limits;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock committing = new ReentrantLock();
    private List<Pending> batch = new ArrayList<>();
    private long batchBytes;
    private Instant batchStarted;
    private volatile StorageException failure;

    GroupCommit(Path root, Supplier<Optional<FileSystemSync>> opener, Publisher publisher, Limits limits, Clock clock) {
        this.root = root;
        this.opener = opener;
        this.publisher = publisher;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * A new temporary file name in {@code folder}, for content not yet written (created in the
     * object's own folder, new files spread over the file system as their names will be).
     */
    Path newTemp(Path folder) {
        failIfFailed();
        return folder.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Whether new objects can be committed together here: the file-system sync is open, or opens
     * now (once; when it cannot, each object is flushed on its own for the rest of this target's life).
     */
    boolean ready() {
        if (sync != null) {
            return true;
        }
        if (unavailable) {
            return false;
        }
        synchronized (this) {
            if (sync == null && !unavailable) {
                Optional<FileSystemSync> opened = opener.get();
                if (opened.isPresent()) {
                    sync = opened.get();
                } else {
                    unavailable = true;
                }
            }
            return sync != null;
        }
    }

    /** Whether objects are committed this way (the sync is open): the target's flush is then a sync of the file system. */
    boolean inUse() {
        return sync != null;
    }

    /** The object under {@code key} written by this target and not yet committed. */
    Optional<Pending> pending(String key) {
        return Optional.ofNullable(pending.get(key));
    }

    /**
     * Adds a written temporary file to the batch, committing the batch when it is full.
     *
     * @return false when this target has the key pending already (the caller discards its temporary file)
     */
    boolean add(Pending p) {
        failIfFailed();
        boolean full;
        synchronized (this) {
            if (pending.putIfAbsent(p.key(), p) != null) {
                return false;
            }
            if (batch.isEmpty()) {
                batchStarted = clock.instant();
            }
            batch.add(p);
            batchBytes += p.size();
            full = batch.size() >= limits.objects() || batchBytes >= limits.bytes()
                    || !clock.instant().isBefore(batchStarted.plus(limits.age()));
        }
        // a writer finding a commit under way goes on writing: the next commit takes its objects too
        if (full && committing.tryLock()) {
            try {
                commitLocked();
            } finally {
                committing.unlock();
            }
        }
        return true;
    }

    /** Forgets a pending object (deleted before its commit). */
    void discard(String key) {
        Pending p = pending.remove(key);
        if (p != null) {
            TemporaryFiles.deleteQuietly(p.temp());
        }
    }

    /**
     * Makes every object added so far durable and named; returns when they are (at close). The names
     * are durable from the next {@link #commitDurably()}.
     *
     * @throws StorageException when the batch could not be made durable, now or at an earlier commit
     */
    void commit() {
        committing.lock();
        try {
            commitLocked();
        } finally {
            committing.unlock();
        }
    }

    private void commitLocked() {
        failIfFailed();
        List<Pending> taken;
        synchronized (this) {
            taken = batch;
            batch = new ArrayList<>();
            batchBytes = 0;
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            sync.sync();
            for (Pending p : taken) {
                if (pending.get(p.key()) != p) {
                    continue; // deleted meanwhile
                }
                if (!publisher.publish(p)) {
                    LOG.debug("{} was stored by another writer meanwhile", p.key());
                }
                pending.remove(p.key(), p);
                TemporaryFiles.deleteQuietly(p.temp());
            }
        } catch (IOException | RuntimeException e) {
            StorageException failed = e instanceof StorageException se ? se : LocalErrors.classify(
                    "cannot make " + taken.size() + " new objects durable", e instanceof IOException io ? io
                            : new IOException(e), root);
            failure = failed;
            throw failed;
        }
    }

    /**
     * Commits, then syncs the file system once more so that the new names (and every folder entry
     * and file written before) are durable too: the target's flush.
     *
     * @throws StorageException when something could not be made durable, now or earlier
     */
    void commitDurably() {
        committing.lock();
        try {
            commitLocked();
            if (sync == null) {
                return;
            }
            try {
                sync.sync();
            } catch (IOException e) {
                failure = LocalErrors.classify("cannot make the new objects' names durable", e, root);
                throw failure;
            }
        } finally {
            committing.unlock();
        }
    }

    private void failIfFailed() {
        StorageException f = failure;
        if (f != null) {
            throw new StorageException("an earlier commit of new objects failed; nothing more is stored here this run: "
                    + f.getMessage(), f);
        }
    }

    /** Commits what is pending (best effort: nothing names it yet) and removes what it could not. */
    @Override
    public void close() {
        try {
            if (failure == null) {
                commit();
            }
        } catch (StorageException e) {
            LOG.warn("new objects not committed at close: {}", e.getMessage());
        } finally {
            for (Pending p : pending.values()) {
                TemporaryFiles.deleteQuietly(p.temp());
            }
            pending.clear();
            if (sync != null) {
                sync.close();
            }
        }
    }

    /** The temporary files of the objects pending now (to keep when removing a killed run's). */
    Set<Path> pendingTemps() {
        Set<Path> temps = new HashSet<>();
        for (Pending p : pending.values()) {
            temps.add(p.temp());
        }
        return temps;
    }
}
