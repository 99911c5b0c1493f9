package dev.heirloom.immutability;

import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Keeps an immutable target's files locked for as long as they are needed, as a scheduled job
 * would (kopia's {@code --extend-object-locks}): every file the kept snapshots need (their objects
 * and trees, the snapshot files, the key slots and {@code heirloom.json}) whose lock runs out within
 * half the lock period is locked again for a whole period from now. What no kept snapshot needs is
 * left to run free, so that prune can delete it once its lock has passed. The result is recorded
 * ({@link LockRecord}) for status. Run under a shared repository lock.
 */
public final class LockExtender {
    private static final Logger LOG = LoggerFactory.getLogger(LockExtender.class);

    private final String target;
    private final Repository repo;
    private final Predicate<Snapshot> kept;
    private final BooleanSupplier cancelled;

    /**
     * @param kept      the snapshots whose files stay locked (those a retention policy is about to
     *                  forget are left to run free)
     * @param cancelled polled between extensions; once true the run stops and throws {@link CancellationException}
     */
    public LockExtender(String target, Repository repo, Predicate<Snapshot> kept, BooleanSupplier cancelled) {
        this.target = target;
        this.repo = repo;
        this.kept = kept;
        this.cancelled = cancelled;
    }

    /**
     * Extends what needs it and records the result.
     *
     * @throws InvalidConfigException when the target is not set to lock, or cannot
     */
    public LockExtensionReport run() {
        if (!repo.locks().immutability().wanted()) {
            throw new InvalidConfigException(target + ": no lock period is configured (immutableDays)");
        }
        if (!repo.locks().active()) {
            throw new InvalidConfigException(target + ": the target cannot lock objects (its provider does not offer it, "
                    + "or its bucket is not set up for it), so nothing on it is immutable");
        }
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Set<String> needed = needed(problems);
        Map<String, Optional<Instant>> stored = new HashMap<>();
        java.util.function.Consumer<ObjectInfo> found = info -> {
            if (needed.contains(info.key())) {
                stored.put(info.key(), info.retainUntil());
            }
        };
        repo.objects().forEach(found);
        repo.trees().forEach(found);
        repo.locks().forEachRecordFile(found);

        Duration period = repo.locks().immutability().period();
        Instant end = repo.locks().newLockEnd();
        Instant started = end.minus(period);
        Instant renewBefore = end.minus(period.dividedBy(2));
        long missing = needed.stream().filter(k -> !stored.containsKey(k)).count();
        List<String> due = stored.entrySet().stream()
                .filter(e -> e.getValue().map(t -> t.isBefore(renewBefore)).orElse(true)).map(Map.Entry::getKey).toList();
        Map<String, Instant> locks = new HashMap<>();
        stored.forEach((k, v) -> v.ifPresent(t -> locks.put(k, t)));
        AtomicLong extended = new AtomicLong();
        extend(due, end, locks, extended, problems);

        Instant earliest = stored.keySet().stream().map(k -> locks.getOrDefault(k, Instant.EPOCH))
                .min(Instant::compareTo).orElse(end);
        LockExtensionReport report = new LockExtensionReport(target, needed.size(), extended.get(), earliest, missing, problems);
        repo.replaceJson(RepositoryLayout.LOCK_EXTENSION, new LockRecord(started, repo.locks().immutability().days(),
                earliest, needed.size(), extended.get(), missing, report.complete()));
        LOG.info("{}", report.summary());
        return report;
    }

    /** The keys of every file the kept snapshots need; what cannot be known goes to {@code problems}. */
    private Set<String> needed(List<String> problems) {
        Set<String> needed = new HashSet<>();
        needed.add(RepositoryLayout.CONFIG);
        List<Snapshot> all = repo.snapshots();
        if (!repo.unreadableSnapshots().isEmpty()) {
            // what they name is unknown; their own files stay locked, since they may still be repaired
            needed.addAll(repo.unreadableSnapshots().keySet());
            problems.add(repo.unreadableSnapshots().size() + " snapshot file(s) cannot be read, so what they need is unknown");
        }
        List<Snapshot> keep = all.stream().filter(kept).toList();
        keep.forEach(s -> needed.add(RepositoryLayout.snapshotKey(s)));
        repo.locks().forEachRecordFile(info -> {
            if (info.key().startsWith(RepositoryLayout.KEYS)) {
                needed.add(info.key());
            }
        });
        ReferencedObjects.distinct(repo).walk(keep, new ReferencedObjects.Visitor() {
            @Override
            public void tree(String hash, Snapshot snapshot, String path) {
                needed.add(repo.trees().key(hash));
            }

            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot snapshot, String path) {
                needed.add(repo.trees().key(hash));
                problems.add("folder " + snapshot.id() + ":" + path + "/ cannot be read (" + error.getMessage() + ")");
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                needed.add(repo.objects().key(ref.hash()));
            }
        });
        return needed;
    }

    /** Extends the locks of {@code due} to {@code end}, as many at once as the target takes. */
    private void extend(List<String> due, Instant end, Map<String, Instant> locks, AtomicLong extended, List<String> problems) {
        int threads = Math.max(1, Math.min(repo.capabilities().maxConcurrency(), 16));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "heirloom-extend-locks");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String key : due) {
                running.add(pool.submit(() -> {
                    if (cancelled.getAsBoolean()) {
                        return;
                    }
                    try {
                        ObjectInfo now = repo.locks().extend(key, end);
                        synchronized (locks) {
                            now.retainUntil().ifPresentOrElse(t -> locks.put(key, t), () -> locks.remove(key));
                        }
                        extended.incrementAndGet();
                    } catch (StorageException e) {
                        synchronized (problems) {
                            if (problems.size() < 20) {
                                problems.add("cannot extend the lock of " + key + ": " + e.getMessage());
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("lock extension cancelled after " + extended.get() + " of " + due.size());
        }
    }
}
