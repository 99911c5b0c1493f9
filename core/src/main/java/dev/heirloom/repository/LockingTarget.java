package dev.heirloom.repository;

import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ForwardingTarget;

import java.time.Clock;
import java.time.Instant;

/**
 * The target as the repository's files see it: every write of a permanent file (see
 * {@link RepositoryLayout#isPermanent}) asks for a lock of {@link Immutability#days()} when the
 * target can lock objects, so that no writer of repository files can forget one. Lock files,
 * verification records and prune marks are written unlocked: they are replaced and deleted.
 */
final class LockingTarget extends ForwardingTarget {
    private final Immutability immutability;
    private final Clock clock;

    LockingTarget(StorageTarget delegate, Immutability immutability, Clock clock) {
        super(delegate);
        this.immutability = immutability;
        this.clock = clock;
    }

    /** Whether writes are locked: they are to be, and the target can. */
    boolean locks() {
        return immutability.wanted() && delegate().capabilities().objectLock();
    }

    Immutability immutability() {
        return immutability;
    }

    /** When a lock made now runs out. */
    Instant newLockEnd() {
        return clock.instant().plus(immutability.period());
    }

    private WriteOptions locked(String key, WriteOptions options) {
        return locks() && RepositoryLayout.isPermanent(key) ? options.withRetainUntil(newLockEnd()) : options;
    }

    /**
     * A stored permanent file that a new snapshot or slot relies on without writing it: when its
     * lock runs out before a new one's would, it is moved to a new one's end.
     *
     * @return the file as it is now
     */
    ObjectInfo keepLocked(ObjectInfo stored) {
        if (!locks() || !RepositoryLayout.isPermanent(stored.key())) {
            return stored;
        }
        Instant end = newLockEnd();
        return stored.retainUntil().filter(t -> !t.isBefore(end)).isPresent() ? stored
                : delegate().extendRetention(stored.key(), end);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        return delegate().write(key, content, locked(key, options));
    }

    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        StagedObject staged = delegate().stage(stageName, content);
        return StagedObject.of(staged.size(), (key, options) -> staged.publish(key, locked(key, options)), staged::close);
    }
}
