package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lock in the repository ({@code locks/<id>.json}): shared for backup, verify and restore,
 * exclusive for operations that delete (forget, prune). Taking one writes the lock file, then
 * lists the others: a shared lock yields to any live exclusive one, an exclusive lock to any live
 * lock at all, and the loser removes its own file. A held lock is refreshed while it lives; one
 * not refreshed within the stale age, or left by a dead process on this host, is stale. A lock
 * whose process is provably gone (taken on this host, its pid no longer running) is removed by
 * the next operation that meets it, with a warning; any other stale lock still blocks, with a
 * message saying so, and is removed only on request ({@link #breakStale}).
 */
public final class RepositoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLock.class);
    /** A lock not refreshed for this long is stale. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(30);
    private static final Duration REFRESH_EVERY = Duration.ofMinutes(5);

    /**
     * The content of a lock file.
     *
     * @param exclusive whether it excludes every other lock
     * @param operation what holds it, e.g. backup
     * @param host      the machine
     * @param pid       the process on that machine
     * @param time      when it was taken or last refreshed
     */
    @JsonPropertyOrder({"exclusive", "operation", "host", "pid", "time"})
    public record Info(boolean exclusive, String operation, String host, long pid, Instant time) {
        /** Whether it no longer protects anything: old, or its process is gone from this host. */
        public boolean stale(Instant now, String localHost) {
            if (time.plus(STALE_AFTER).isBefore(now)) {
                return true;
            }
            return host.equals(localHost) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }

        /** Whether it was taken on this host by a process that no longer runs: nothing can hold it. */
        boolean ownerGone(String localHost) {
            return host.equals(localHost) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }

        String describe() {
            return operation + " on " + host + " (pid " + pid + ") since " + time;
        }
    }

    /** The locks this process holds now, so that a process being stopped can release them. */
    private static final java.util.Set<RepositoryLock> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Repository repo;
    private final String key;
    private final Clock clock;
    private final Info info;
    private final ScheduledExecutorService refresher;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RepositoryLock(Repository repo, String key, Clock clock, Info info) {
        this.repo = repo;
        this.key = key;
        this.clock = clock;
        this.info = info;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heirloom-lock-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(this::refresh, REFRESH_EVERY.toMillis(), REFRESH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        HELD.add(this);
    }

    /**
     * Releases every lock this process still holds: for a process that is being stopped (Ctrl-C,
     * SIGTERM) after its operation was asked to cancel, so that it leaves no lock behind to block
     * the next prune. Best effort; a lock that cannot be removed goes stale.
     *
     * @return how many were released
     */
    public static int releaseAllHeld() {
        int n = 0;
        for (RepositoryLock lock : List.copyOf(HELD)) {
            lock.close();
            n++;
        }
        return n;
    }

    /**
     * Takes a lock. Writes its own lock file, then reads the others: conflicting locks (any lock
     * against an exclusive one) decide by age, so that operations started together never all give
     * way: the younger lock (by time, then key) gives way at once; the older one waits briefly for
     * the younger to go, and gives way itself only if it stays (a real holder).
     *
     * @throws RepositoryLockedException naming the holder when a conflicting lock exists
     */
    public static RepositoryLock acquire(Repository repo, boolean exclusive, String operation, String host, Clock clock) {
        Info mine = new Info(exclusive, operation, host, ProcessHandle.current().pid(), clock.instant());
        String key = RepositoryLayout.LOCKS + UUID.randomUUID() + ".json";
        Held me = new Held(key, mine);
        write(repo, key, mine, true);
        for (int round = 0; ; round++) {
            Held blocker = null;
            boolean yieldNow = false;
            for (Held other : list(repo)) {
                if (other.key().equals(key) || !(exclusive || other.info().exclusive())) {
                    continue;
                }
                if (other.info().ownerGone(host)) {
                    // provably dead: its process is not running on this very host (restic does the same)
                    LOG.warn("removed the lock of {}: its process is gone", other.info().describe());
                    repo.target().delete(other.key());
                    continue;
                }
                blocker = other;
                if (!olderThan(me, other) || other.info().stale(clock.instant(), host)) {
                    yieldNow = true;
                    break;
                }
            }
            if (blocker == null) {
                if (exclusive) {
                    // alone in the repository: what cannot be read is nobody's lock
                    removeUnreadable(repo);
                }
                return new RepositoryLock(repo, key, clock, mine);
            }
            if (!yieldNow && round < RACE_ROUNDS) {
                sleep(RACE_WAIT);
                continue;
            }
            repo.target().delete(key);
            if (blocker.info().stale(clock.instant(), host)) {
                throw new RepositoryLockedException("a stale lock blocks " + operation + ": " + blocker.info().describe()
                        + " (its process is gone or it was not refreshed for " + STALE_AFTER.toMinutes()
                        + " minutes); if nothing is running, remove it with 'heirloom unlock'");
            }
            throw new RepositoryLockedException("the repository is locked by " + blocker.info().describe()
                    + "; try again when it is done");
        }
    }

    /** Rounds an older lock waits for a younger conflicting one to give way, and the wait between them. */
    private static final int RACE_ROUNDS = 10;
    private static final Duration RACE_WAIT = Duration.ofMillis(300);

    /** Whether lock a was taken before lock b: by time, then by key, the same order for every reader. */
    private static boolean olderThan(Held a, Held b) {
        int byTime = a.info().time().compareTo(b.info().time());
        return byTime != 0 ? byTime < 0 : a.key().compareTo(b.key()) < 0;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a lock", e);
        }
    }

    /**
     * Takes a shared lock for an operation that only reads the repository (restore). Where the
     * lock file cannot be written (a read-only medium, a read-only account), the read goes on
     * without one, with a warning: nothing on that medium can be pruned from here either.
     *
     * @return the lock, or empty when the repository cannot be written
     * @throws RepositoryLockedException when a conflicting lock exists
     */
    public static Optional<RepositoryLock> acquireForReading(Repository repo, String operation, String host, Clock clock) {
        try {
            return Optional.of(acquire(repo, false, operation, host, clock));
        } catch (RepositoryLockedException | dev.heirloom.spi.InvalidConfigException e) {
            throw e; // locked, or not to be opened with this configuration (a wrong passphrase)
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            LOG.warn("cannot write a lock file for {} ({}); going on without one", operation, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A lock file and what it says.
     *
     * @param key  its key
     * @param info its content
     */
    public record Held(String key, Info info) {
    }

    /**
     * Every readable lock file in the repository. One that cannot be read (damaged on the medium:
     * lock files are written whole, so no live process leaves one half-written) holds no owner to
     * wait for: it is skipped with a warning, as restic does, and {@link #removeUnreadable} removes it.
     */
    public static List<Held> list(Repository repo) {
        List<String> keys = new ArrayList<>();
        repo.forEachLock(o -> keys.add(o.key()));
        List<Held> result = new ArrayList<>();
        for (String key : keys) {
            try {
                repo.readJson(key, Info.class).ifPresent(i -> result.add(new Held(key, i)));
            } catch (StorageException e) {
                if (e.isTransient()) {
                    throw e;
                }
                LOG.warn("ignored the damaged lock file {} ({}); 'heirloom unlock' removes it", key, e.getMessage());
            }
        }
        return result;
    }

    /** Removes lock files that cannot be read (see {@link #list}). @return their keys */
    public static List<String> removeUnreadable(Repository repo) {
        List<String> keys = new ArrayList<>();
        repo.forEachLock(o -> keys.add(o.key()));
        List<String> removed = new ArrayList<>();
        for (String key : keys) {
            try {
                repo.readJson(key, Info.class);
            } catch (StorageException e) {
                if (e.isTransient()) {
                    throw e;
                }
                repo.target().delete(key);
                removed.add(key);
                LOG.warn("removed the damaged lock file {}", key);
            }
        }
        return removed;
    }

    /** Removes the stale locks, on explicit request. @return those removed */
    public static List<Held> breakStale(Repository repo, String host, Clock clock) {
        removeUnreadable(repo);
        List<Held> removed = new ArrayList<>();
        for (Held h : list(repo)) {
            if (h.info().stale(clock.instant(), host)) {
                repo.target().delete(h.key());
                removed.add(h);
                LOG.warn("removed stale lock: {}", h.info().describe());
            }
        }
        return removed;
    }

    private void refresh() {
        try {
            write(repo, key, new Info(info.exclusive(), info.operation(), info.host(), info.pid(), clock.instant()), false);
        } catch (RuntimeException e) {
            LOG.warn("cannot refresh the repository lock {}: {}", key, e.getMessage());
        }
    }

    private static void write(Repository repo, String key, Info info, boolean create) {
        byte[] bytes = repo.cipher().seal(key, CanonicalJson.write(info));
        repo.target().write(key, ContentSource.ofBytes(bytes), create ? WriteOptions.createIfAbsent(Checksums.none())
                : WriteOptions.replace(Checksums.none()));
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        HELD.remove(this);
        refresher.shutdownNow();
        try {
            repo.target().delete(key);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the repository lock {}; it will go stale: {}", key, e.getMessage());
        }
    }
}
