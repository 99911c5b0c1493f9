package dev.heirloom.backup;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Runs one backup (or, in a dry run, works out what a backup would copy) of a source to several
 * repositories.
 *
 * <p>The source is walked one folder at a time. A file whose size, mtime and file key match the
 * reference snapshot (the newest of the targets' latest snapshots of this source) keeps its hash
 * and is not read. Any other file is read and hashed; files up to {@link Options#smallFileLimit()}
 * are read once into memory and fed to every target from there. A larger one is read once while
 * every target that can stage it does (staged under a temporary name, then published under its
 * hash); only for targets that cannot stage, or where staging failed, is it hashed first and read
 * once more, that read feeding all of them at the pace of the slowest ({@link FileFanOut}). A file is stored on a target only when
 * that target's latest snapshot does not hold the same content at the same path and the object
 * is not already there. Folders become trees once their children are done; a folder whose tree
 * hash equals the one in a target's latest snapshot costs nothing on that target. Each target gets
 * its snapshot only when every object and tree it names is stored there; a failing target is
 * dropped for the rest of the run and the others go on.
 */
public final class BackupEngine {
    private static final Logger LOG = LoggerFactory.getLogger(BackupEngine.class);
    /** The largest small-file limit: a small file is read whole into one array. */
    public static final long MAX_SMALL_FILE_LIMIT = 1L << 30;
    /** By default a run may lose up to half of the reference snapshot's files. */
    public static final int DEFAULT_MAX_SHRINK_PERCENT = 50;

    /**
     * How a run behaves.
     *
     * @param threads         files processed at once
     * @param smallFileLimit  files up to this size are read once into memory
     * @param dryRun          compute what would be copied, write nothing
     * @param host            host name recorded in snapshots
     * @param clock           time source for snapshots
     * @param rehashPercent   share of unchanged files read again to catch silent corruption (bit rot), 0-100
     * @param cancelled       polled between files; once true the run stops taking files, writes no
     *                        snapshot and throws {@link CancellationException}
     * @param maxShrinkPercent the largest share of the reference snapshot's files a run may lose and
     *                        still write its snapshot (100: any, an empty source included); a source
     *                        that holds no file, or lost more, gets no snapshot (an unmounted photo
     *                        drive leaves an empty mount point, and its snapshot would let retention
     *                        forget the real ones)
     */
    public record Options(int threads, long smallFileLimit, boolean dryRun, String host, Clock clock, int rehashPercent,
                          BooleanSupplier cancelled, int maxShrinkPercent) {
        /** Options that refuse a run which lost more than half of the files. */
        public Options(int threads, long smallFileLimit, boolean dryRun, String host, Clock clock, int rehashPercent,
                       BooleanSupplier cancelled) {
            this(threads, smallFileLimit, dryRun, host, clock, rehashPercent, cancelled, DEFAULT_MAX_SHRINK_PERCENT);
        }

        /** Options of a run that cannot be cancelled and refuses one which lost more than half of the files. */
        public Options(int threads, long smallFileLimit, boolean dryRun, String host, Clock clock, int rehashPercent) {
            this(threads, smallFileLimit, dryRun, host, clock, rehashPercent, () -> false);
        }

        /** Checks the shares (0 to 100 percent) and that there is at least one thread. */
        public Options {
            if (maxShrinkPercent < 0 || maxShrinkPercent > 100) {
                throw new IllegalArgumentException("the largest shrink must be from 0 to 100 percent");
            }
            Objects.requireNonNull(cancelled, "cancelled");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            if (rehashPercent < 0 || rehashPercent > 100) {
                throw new IllegalArgumentException("rehash share must be from 0 to 100 percent");
            }
            if (smallFileLimit < 0 || smallFileLimit > MAX_SMALL_FILE_LIMIT) {
                throw new IllegalArgumentException("the small-file limit must be from 0 to 1 GiB");
            }
            Objects.requireNonNull(clock, "clock");
        }
    }

    /**
     * A repository to back up to.
     *
     * @param name       target name
     * @param repository the opened repository (initialised unless this is a dry run)
     */
    public record Destination(String name, Repository repository) {
    }

    /**
     * The result of a run.
     *
     * @param snapshotId   id shared by the snapshots written on every target
     * @param started      when the run started
     * @param finished     when it ended
     * @param stats        source-side figures
     * @param targets      per-target outcome, in the order given
     * @param problems     source problems (at most 10,000 listed)
     * @param problemCount all source problems
     * @param suspects     files whose content changed although size and mtime did not
     * @param suspectFiles files of the snapshot marked with suspect content, those of {@code suspects} and
     *                     those carried from earlier runs (their source copy is no copy of the version kept)
     * @param refused      why no snapshot was written although every target could take one (the
     *                     source is empty or lost too many files); empty otherwise
     */
    public record Result(String snapshotId, Instant started, Instant finished, RunStats stats,
                         List<TargetResult> targets, List<SourceProblem> problems, long problemCount,
                         List<BitRotSuspect> suspects, long suspectFiles, Optional<String> refused) {
    }

    private final RunContext run;

    /** A backup of {@code source} to {@code destinations}, telling {@code listener} how it goes. */
    public BackupEngine(SourceSpec source, List<Destination> destinations, Options options, ProgressListener listener) {
        this.run = new RunContext(source, destinations, options, listener);
    }

    /**
     * Runs the backup; returns when every target has its snapshot or has failed. The phases:
     * find each target's latest snapshot and the reference among them, walk the source (change
     * detection, reading and hashing, staging, storing objects and trees on each lane), then
     * commit a snapshot on every lane that had no failure.
     */
    public Result run() {
        Instant started = run.options.clock().instant();
        String snapshotId = String.format("%016x", new SecureRandom().nextLong());
        if (run.lanes.isEmpty() && !run.options.dryRun()) {
            // no target could be opened: reading and hashing the library would store nothing
            return new Result(snapshotId, started, run.options.clock().instant(), new RunStats(0, 0, 0, 0, 0), List.of(),
                    List.of(), 0, List.of(), 0, Optional.empty());
        }
        findParents();
        SourceWalk.Folder root = walk();
        Optional<String> refused = run.options.dryRun() ? Optional.empty() : shrinkRefusal(root);
        refused.ifPresent(r -> LOG.error("no snapshot written: {}", r));
        List<TargetResult> results = commit(snapshotId, started, root, refused.isEmpty());
        RunStats stats = new RunStats(run.files.get(), run.bytes.get(), run.filesRead.get(), run.bytesRead.get(),
                run.unchanged.get());
        return new Result(snapshotId, started, run.options.clock().instant(), stats, results, List.copyOf(run.problems),
                run.problemCount.get(), List.copyOf(run.suspects), run.suspectEntries.get(), refused);
    }

    /**
     * Why this run's snapshot must not be written: the source holds no file the filter covers, or
     * lost more of the reference snapshot's files than allowed. Objects and trees it stored stay
     * (a later run or a prune takes care of them); the targets' latest snapshots stay as they were.
     */
    private Optional<String> shrinkRefusal(SourceWalk.Folder root) {
        int limit = run.options.maxShrinkPercent();
        if (limit >= 100) {
            return Optional.empty();
        }
        long before = run.reference == null ? 0 : run.reference.parent.files();
        if (root.files() == 0) {
            return Optional.of("the source folder " + run.source.root() + " holds no file to back up"
                    + (before > 0 ? " (its last snapshot held " + before + ")" : "")
                    + "; an unmounted drive leaves an empty folder behind. If it is meant to be empty, back up with "
                    + "--allow-shrink");
        }
        if (before > 0 && (before - root.files()) * 100 > before * limit) {
            return Optional.of("the source holds " + root.files() + " files, " + (before - root.files())
                    + " fewer than its last snapshot's " + before + " (more than " + limit + "% gone: a disk not fully "
                    + "mounted, a renamed folder?). If the files were meant to go, back up with --allow-shrink");
        }
        return Optional.empty();
    }

    /** Each lane's latest snapshot of this source; the newest of them is the reference for change detection. */
    private void findParents() {
        for (Lane lane : run.lanes) {
            try {
                lane.parent = lane.repo.latest(run.source.label()).orElse(null);
                // a first backup to an empty repository: no round trip per new object to ask whether it is there
                lane.startedEmpty = lane.parent == null && lane.repo.objects().holdsNone();
            } catch (StorageException e) {
                lane.fail(e);
            }
            if (lane.alive() && lane.parent != null
                    && (run.reference == null || lane.parent.time().isAfter(run.reference.parent.time()))) {
                run.reference = lane;
            }
        }
    }

    private SourceWalk.Folder walk() {
        ExecutorService pool = Executors.newFixedThreadPool(run.options.threads(), daemon("heirloom-backup"));
        run.fanOutPool = Executors.newCachedThreadPool(daemon("heirloom-fan-out"));
        try {
            if (!Files.isDirectory(run.source.root())) {
                throw new StorageException("the source folder " + run.source.root() + " does not exist or is not a folder");
            }
            SourceReader reader = new SourceReader(run);
            ObjectWrites writes = new ObjectWrites(run);
            BitRotCheck bitRot = new BitRotCheck(run, reader, writes);
            ChangeDetection changes = new ChangeDetection(run, bitRot);
            FileBackup files = new FileBackup(run, changes, reader, new Staging(run, reader), writes, bitRot);
            SourceWalk.Folder root = new SourceWalk(run, changes, files, new TreeWriter(run), pool).root().join();
            run.stopIfCancelled();
            return root;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            pool.shutdownNow();
            run.fanOutPool.shutdownNow();
        }
    }

    /** Writes the snapshot on every lane that had no failure (nothing in a dry run); one result per lane. */
    private List<TargetResult> commit(String snapshotId, Instant started, SourceWalk.Folder root, boolean write) {
        List<TargetResult> results = new ArrayList<>();
        // every snapshot names the targets this run reached, so the others can tell when one now away was last seen
        List<String> reached = run.lanes.stream().filter(Lane::alive).map(l -> l.name).toList();
        for (Lane lane : run.lanes) {
            Snapshot written = null;
            if (lane.alive() && !run.options.dryRun() && write) {
                Snapshot snapshot = new Snapshot(Snapshot.VERSION, snapshotId, started, run.options.host(),
                        run.source.label(), root.hash(), root.files(), root.bytes(),
                        lane.parent == null ? null : lane.parent.id(), reached);
                try {
                    dev.heirloom.storage.CrashPoints.reach("before-snapshot-write");
                    lane.repo.putSnapshot(snapshot);
                    written = snapshot;
                } catch (StorageException e) {
                    lane.fail(e);
                }
            }
            results.add(new TargetResult(lane.name, Optional.ofNullable(written), lane.objectsWritten.get(),
                    lane.bytesWritten.get(), lane.objectsPresent.get(), lane.treesWritten.get(),
                    lane.unreadableTrees.size(), lane.treesRewritten.get(),
                    Optional.ofNullable(lane.failure.get()).map(RunContext::describe)));
        }
        return results;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
