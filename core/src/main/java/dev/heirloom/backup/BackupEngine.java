package dev.heirloom.backup;

import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.StorageException;

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
    /** The largest small-file limit: a small file is read whole into one array. */
    public static final long MAX_SMALL_FILE_LIMIT = 1L << 30;

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
     */
    public record Options(int threads, long smallFileLimit, boolean dryRun, String host, Clock clock, int rehashPercent,
                          BooleanSupplier cancelled) {
        public Options(int threads, long smallFileLimit, boolean dryRun, String host, Clock clock, int rehashPercent) {
            this(threads, smallFileLimit, dryRun, host, clock, rehashPercent, () -> false);
        }

        public Options {
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
     */
    public record Result(String snapshotId, Instant started, Instant finished, RunStats stats,
                         List<TargetResult> targets, List<SourceProblem> problems, long problemCount,
                         List<BitRotSuspect> suspects) {
    }

    private final RunContext run;

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
                    List.of(), 0, List.of());
        }
        findParents();
        SourceWalk.Folder root = walk();
        List<TargetResult> results = commit(snapshotId, started, root);
        RunStats stats = new RunStats(run.files.get(), run.bytes.get(), run.filesRead.get(), run.bytesRead.get(),
                run.unchanged.get());
        return new Result(snapshotId, started, run.options.clock().instant(), stats, results, List.copyOf(run.problems),
                run.problemCount.get(), List.copyOf(run.suspects));
    }

    /** Each lane's latest snapshot of this source; the newest of them is the reference for change detection. */
    private void findParents() {
        for (Lane lane : run.lanes) {
            try {
                lane.parent = lane.repo.latest(run.source.label()).orElse(null);
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
    private List<TargetResult> commit(String snapshotId, Instant started, SourceWalk.Folder root) {
        List<TargetResult> results = new ArrayList<>();
        for (Lane lane : run.lanes) {
            Snapshot written = null;
            if (lane.alive() && !run.options.dryRun()) {
                Snapshot snapshot = new Snapshot(Snapshot.VERSION, snapshotId, started, run.options.host(),
                        run.source.label(), root.hash(), root.files(), root.bytes(),
                        lane.parent == null ? null : lane.parent.id());
                try {
                    lane.repo.putSnapshot(snapshot);
                    written = snapshot;
                } catch (StorageException e) {
                    lane.fail(e);
                }
            }
            results.add(new TargetResult(lane.name, Optional.ofNullable(written), lane.objectsWritten.get(),
                    lane.bytesWritten.get(), lane.objectsPresent.get(), lane.treesWritten.get(),
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
