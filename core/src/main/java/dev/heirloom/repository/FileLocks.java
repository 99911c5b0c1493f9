package dev.heirloom.repository;

import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageTarget;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The locks of one repository's permanent files (see {@link RepositoryLayout#isPermanent}) on a
 * target that can lock objects: the period configured, whether writes are locked, and the calls
 * that keep files locked for as long as snapshots need them. Every permanent file the repository
 * writes is locked by the repository itself; these are for files written earlier.
 */
public final class FileLocks {
    private final LockingTarget target;

    FileLocks(LockingTarget target) {
        this.target = target;
    }

    /** How long this repository is to lock its permanent files, as configured. */
    public Immutability immutability() {
        return target.immutability();
    }

    /**
     * Whether permanent files are written locked: a period is configured and the target can set
     * locks. A target that cannot ({@link dev.heirloom.spi.Capabilities#objectLock()} false) stores them unlocked.
     */
    public boolean active() {
        return target.locks();
    }

    /** When a lock set now runs out. */
    public Instant newLockEnd() {
        return target.newLockEnd();
    }

    /**
     * A stored object or tree that a new snapshot names without writing it (the same content
     * found stored): when it is locked for less long than a new one would be, its lock is moved to
     * a new one's end, so that the snapshot never names something that runs free sooner than itself.
     * Does nothing when {@link #active()} is false.
     */
    public void keepLocked(ObjectInfo stored) {
        target.keepLocked(stored);
    }

    /**
     * Moves the lock of a permanent file to {@code until} (a lock already reaching past stays); see
     * {@link StorageTarget#extendRetention}.
     *
     * @return the file with its lock as it is now
     * @throws IllegalArgumentException for a key that is not a permanent file of this layout
     */
    public ObjectInfo extend(String key, Instant until) {
        if (!RepositoryLayout.isPermanent(key)) {
            throw new IllegalArgumentException("not a permanent repository file: " + key);
        }
        return target.extendRetention(key, until);
    }

    /** Until when the target keeps a file locked, as it says now; empty when the file is missing or unlocked. */
    public java.util.Optional<Instant> lockOf(String key) {
        return target.stat(key).flatMap(ObjectInfo::retainUntil);
    }

    /**
     * Every permanent file that is not a content object or tree, as stored (with its lock): the
     * snapshot files, the key slots and {@code heirloom.json}.
     */
    public void forEachRecordFile(Consumer<ObjectInfo> each) {
        target.stat(RepositoryLayout.CONFIG).ifPresent(each);
        Repository.forEach(target, RepositoryLayout.SNAPSHOTS, each);
        Repository.forEach(target, RepositoryLayout.KEYS, each);
    }
}
