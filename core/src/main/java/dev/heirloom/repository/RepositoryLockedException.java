package dev.heirloom.repository;

import dev.heirloom.spi.StorageException;

/**
 * Another operation holds a lock that conflicts with the one asked for (live or stale; the
 * message names the holder and, for a stale one, how to remove it). Not transient: trying again
 * at once would meet the same lock.
 */
public final class RepositoryLockedException extends StorageException {
    /** @param message who holds the lock, and how to remove a stale one */
    public RepositoryLockedException(String message) {
        super(message);
    }
}
