package dev.heirloom.retention;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectLockedException;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Frees the space of objects and trees no snapshot needs, in two phases: a prune marks what is
 * unreferenced ({@code prune/pending.json}, with when each was first seen so), and deletes only
 * what was already marked at least the grace period ago and is still unreferenced. An object
 * uploaded by a backup that has not yet written its snapshot is thus never deleted, even by a
 * prune that did not see that backup's lock. An object the target keeps locked (an immutable
 * target) is not deleted before its lock runs out: it stays marked, and the report says until when.
 * Run under an exclusive lock.
 */
public final class Pruner {
    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
    static final String PENDING = RepositoryLayout.PRUNE_PENDING;

    /** The marks kept between prunes: key → when first seen unreferenced. */
    record Pending(Map<String, Instant> keys) {
    }

    private final String target;
    private final Repository repo;
    private final Duration grace;
    private final Instant now;
    private final BooleanSupplier cancelled;

    /** A prune that runs to its end; see {@link #Pruner(String, Repository, Duration, Instant, BooleanSupplier)}. */
    public Pruner(String target, Repository repo, Duration grace, Instant now) {
        this(target, repo, grace, now, () -> false);
    }

    /**
     * @param cancelled polled between deletions; once true the prune stops deleting, keeps the
     *                  marks of what it did not delete and throws {@link CancellationException}
     */
    public Pruner(String target, Repository repo, Duration grace, Instant now, BooleanSupplier cancelled) {
        this.target = target;
        this.repo = repo;
        this.grace = grace;
        this.now = now;
        this.cancelled = cancelled;
    }

    /** Prunes; see {@link #prune(boolean, dev.heirloom.progress.OperationProgress)}. */
    public PruneReport prune(boolean dryRun) {
        return prune(dryRun, dev.heirloom.progress.OperationProgress.NONE);
    }

    /**
     * Prunes, telling {@code progress} of the deletions: their number and bytes once the snapshots
     * have been walked and the target listed, then each one as it is done (a dry run counts what it
     * would delete).
     */
    public PruneReport prune(boolean dryRun, dev.heirloom.progress.OperationProgress progress) {
        Set<String> referenced = new HashSet<>();
        List<String> unreadable = new ArrayList<>();
        List<dev.heirloom.repository.Snapshot> snapshots = repo.snapshots();
        if (!repo.unreadableSnapshots().isEmpty()) {
            // what a damaged snapshot names is unknown: its objects would look unreferenced and go
            throw new StorageException(target + ": prune refused: " + repo.unreadableSnapshots().size()
                    + " snapshot file(s) cannot be read, so what they reference is unknown; 'heirloom repair' copies "
                    + "them back from another target (or 'heirloom forget' them first): "
                    + repo.unreadableSnapshots().keySet());
        }
        ReferencedObjects.distinct(repo).walk(snapshots, new ReferencedObjects.Visitor() {
            @Override
            public void tree(String hash, Snapshot snapshot, String path) {
                referenced.add(repo.trees().key(hash));
            }

            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot snapshot,
                                       String path) {
                unreadable.add(snapshot.id() + ":" + path + "/ (" + error.getMessage() + ")");
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                referenced.add(repo.objects().key(ref.hash()));
            }
        });
        if (!unreadable.isEmpty()) {
            // what such a folder references is unknown: deleting anything could lose it
            throw new StorageException(target + ": prune refused: " + unreadable.size()
                    + " folder listing(s) cannot be read, so what they reference is unknown; repair first: "
                    + unreadable.subList(0, Math.min(5, unreadable.size())));
        }
        Map<String, Long> unreferenced = new HashMap<>();
        Map<String, Instant> lockedUntil = new HashMap<>();
        java.util.function.Consumer<ObjectInfo> mark = info -> {
            if (!referenced.contains(info.key())) {
                unreferenced.put(info.key(), info.size());
                info.retainUntil().filter(t -> t.isAfter(now)).ifPresent(t -> lockedUntil.put(info.key(), t));
            }
        };
        repo.objects().forEach(mark);
        repo.trees().forEach(mark);
        Map<String, Instant> before;
        try {
            before = repo.readJson(PENDING, Pending.class).map(Pending::keys).orElse(Map.of());
        } catch (StorageException e) {
            if (e.isTransient()) {
                throw e;
            }
            // it only says since when keys were unreferenced: starting over delays deletion, loses nothing
            LOG.warn("{}: {} is damaged ({}); marking starts over", target, PENDING, e.getMessage());
            before = Map.of();
        }
        Map<String, Instant> still = new TreeMap<>();
        Map<String, Instant> marks = before;
        progress.total(unreferenced.keySet().stream().filter(k -> due(marks.get(k))).count(),
                unreferenced.entrySet().stream().filter(e -> due(marks.get(e.getKey()))).mapToLong(Map.Entry::getValue).sum());
        long deleted = 0;
        long freed = 0;
        Locked locked = new Locked();
        boolean stopped = false;
        for (Map.Entry<String, Long> e : unreferenced.entrySet()) {
            Instant since = before.get(e.getKey());
            stopped = stopped || cancelled.getAsBoolean();
            if (due(since) && !stopped) {
                Instant until = lockedUntil.get(e.getKey());
                if (until == null && !dryRun) {
                    try {
                        repo.deleteUnreferenced(e.getKey());
                        dev.heirloom.storage.CrashPoints.reach("mid-prune");
                    } catch (ObjectLockedException refused) {
                        until = refused.until().orElse(now);
                    }
                }
                progress.done(1, e.getValue());
                if (until == null) {
                    deleted++;
                    freed += e.getValue();
                    continue;
                }
                // the target keeps it until then: it stays marked, and a prune after that frees it
                locked.add(e.getValue(), until);
            }
            still.put(e.getKey(), since != null ? since : now);
        }
        long interrupted = 0;
        if (!dryRun) {
            repo.replaceJson(PENDING, new Pending(still));
            // under the exclusive lock no backup is staging: anything left staged was killed mid-upload
            try {
                interrupted = repo.removeInterruptedUploads();
            } catch (StorageException e) {
                LOG.warn("{}: cannot remove interrupted uploads: {}", target, e.getMessage());
            }
            try {
                repo.objects().compactRecords();
            } catch (StorageException e) {
                LOG.warn("{}: cannot compact the records of stored objects: {}", target, e.getMessage());
            }
        }
        if (stopped) {
            throw new CancellationException("prune cancelled after deleting " + deleted
                    + " objects/trees; the rest stay marked for the next prune");
        }
        LOG.info("{}: pruned {} objects/trees ({} bytes), {} marked for a later prune{}", target, deleted, freed, still.size(),
                locked.count == 0 ? "" : ", " + locked.count + " of them locked until " + locked.latest);
        return new PruneReport(target, dryRun, referenced.size(), deleted, freed, still.size(), interrupted, locked.count,
                locked.bytes, Optional.ofNullable(locked.latest));
    }

    /** Whether a key marked unreferenced {@code since} (null: not marked) is past its grace period. */
    private boolean due(Instant since) {
        return since != null && !since.plus(grace).isAfter(now);
    }

    /** Unreferenced objects due for deletion that the target keeps locked. */
    private static final class Locked {
        long count;
        long bytes;
        Instant latest;

        void add(long size, Instant until) {
            count++;
            bytes += size;
            latest = latest == null || until.isAfter(latest) ? until : latest;
        }
    }
}
