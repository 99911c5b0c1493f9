package dev.heirloom.backup;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.EntryType;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.source.SourceLister;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicReference;

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
    private static final int MAX_ATTEMPTS_PER_FILE = 3;
    private static final int READ_CHUNK = 1 << 20;
    /** The largest small-file limit: a small file is read whole into one array. */
    public static final long MAX_SMALL_FILE_LIMIT = 1L << 30;
    private static final int MAX_LISTED_PROBLEMS = 10_000;

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

    private final SourceSpec source;
    private final List<Lane> lanes;
    private final Options options;
    private final ProgressListener listener;
    private final MediaFilter.Compiled filter;
    private final SourceLister lister;
    private final Set<ChecksumAlgorithm> extraChecksums;
    private final List<SourceProblem> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<BitRotSuspect> suspects = Collections.synchronizedList(new ArrayList<>());
    private final String runSalt = Long.toHexString(new SecureRandom().nextLong());
    private final AtomicLong problemCount = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong filesRead = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private Lane reference;
    private ExecutorService fanOutPool;
    private final BufferPool buffers;

    public BackupEngine(SourceSpec source, List<Destination> destinations, Options options, ProgressListener listener) {
        this.source = source;
        this.options = options;
        this.listener = listener;
        this.filter = source.filter().compile();
        this.lister = new SourceLister(source.followLinks(), this::problem);
        this.lanes = destinations.stream().map(Lane::new).toList();
        this.buffers = new BufferPool(options.threads());
        Set<ChecksumAlgorithm> extra = EnumSet.noneOf(ChecksumAlgorithm.class);
        for (Lane lane : lanes) {
            extra.addAll(lane.repo.capabilities().serverChecksums());
        }
        extra.remove(ChecksumAlgorithm.SHA256);
        this.extraChecksums = extra;
    }

    /** Runs the backup; returns when every target has its snapshot or has failed. */
    public Result run() {
        Instant started = options.clock().instant();
        String snapshotId = String.format("%016x", new SecureRandom().nextLong());
        if (lanes.isEmpty() && !options.dryRun()) {
            // no target could be opened: reading and hashing the library would store nothing
            return new Result(snapshotId, started, options.clock().instant(), new RunStats(0, 0, 0, 0, 0), List.of(),
                    List.of(), 0, List.of());
        }
        for (Lane lane : lanes) {
            try {
                lane.parent = lane.repo.latest(source.label()).orElse(null);
            } catch (StorageException e) {
                lane.fail(e);
            }
            if (lane.alive() && lane.parent != null
                    && (reference == null || lane.parent.time().isAfter(reference.parent.time()))) {
                reference = lane;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "heirloom-backup");
            t.setDaemon(true);
            return t;
        });
        fanOutPool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "heirloom-fan-out");
            t.setDaemon(true);
            return t;
        });
        Semaphore inFlight = new Semaphore(options.threads() * 2);
        DirResult root;
        try {
            String[] laneRoots = new String[lanes.size()];
            for (int i = 0; i < lanes.size(); i++) {
                laneRoots[i] = lanes.get(i).parent == null ? null : lanes.get(i).parent.root();
            }
            String refRoot = reference == null ? null : reference.parent.root();
            if (!Files.isDirectory(source.root())) {
                throw new StorageException("the source folder " + source.root() + " does not exist or is not a folder");
            }
            root = walk(source.root(), "", refRoot, laneRoots, pool, inFlight, true, Set.of()).join();
            stopIfCancelled();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            pool.shutdownNow();
            fanOutPool.shutdownNow();
        }
        List<TargetResult> results = new ArrayList<>();
        for (Lane lane : lanes) {
            Snapshot written = null;
            if (lane.alive() && !options.dryRun()) {
                Snapshot snapshot = new Snapshot(Snapshot.VERSION, snapshotId, started, options.host(), source.label(),
                        root.hash, root.files, root.bytes, lane.parent == null ? null : lane.parent.id());
                try {
                    lane.repo.putSnapshot(snapshot);
                    written = snapshot;
                } catch (StorageException e) {
                    lane.fail(e);
                }
            }
            results.add(new TargetResult(lane.name, Optional.ofNullable(written), lane.objectsWritten.get(),
                    lane.bytesWritten.get(), lane.objectsPresent.get(), lane.treesWritten.get(),
                    Optional.ofNullable(lane.failure.get()).map(BackupEngine::describe)));
        }
        RunStats stats = new RunStats(files.get(), bytes.get(), filesRead.get(), bytesRead.get(), unchanged.get());
        return new Result(snapshotId, started, options.clock().instant(), stats, results, List.copyOf(problems),
                problemCount.get(), List.copyOf(suspects));
    }

    private record DirResult(String hash, long files, long bytes) {
    }

    private CompletableFuture<DirResult> walk(Path dir, String rel, String refHash,
                                              String[] laneHashes, ExecutorService pool, Semaphore inFlight,
                                              boolean isRoot, Set<String> ancestors) {
        Tree refTree = refHash == null ? null : loadTree(reference, refHash);
        Tree[] laneTrees = new Tree[lanes.size()];
        for (int i = 0; i < lanes.size(); i++) {
            String h = laneHashes[i];
            laneTrees[i] = h == null ? null : h.equals(refHash) ? refTree : loadTree(lanes.get(i), h);
        }
        // the listing and the trees are in the same name order: each lookup continues where the last stopped
        EntryCursor refCursor = new EntryCursor(refTree);
        EntryCursor[] laneCursors = new EntryCursor[lanes.size()];
        for (int i = 0; i < lanes.size(); i++) {
            laneCursors[i] = laneTrees[i] == refTree ? refCursor : new EntryCursor(laneTrees[i]);
        }
        List<CompletableFuture<Child>> children = new ArrayList<>();
        for (SourceEntry e : lister.list(dir)) {
            stopIfCancelled();
            String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            TreeEntry refEntry = refCursor.find(e.name());
            TreeEntry[] laneEntries = new TreeEntry[lanes.size()];
            for (int i = 0; i < lanes.size(); i++) {
                laneEntries[i] = laneCursors[i] == refCursor ? refEntry : laneCursors[i].find(e.name());
            }
            if (e.dir()) {
                if (filter.excludesDir(childRel)) {
                    continue;
                }
                Set<String> below = ancestors;
                if (source.followLinks() && e.fileKey() != null) {
                    if (ancestors.contains(e.fileKey())) {
                        problem(new SourceProblem(e.path(), "a symbolic link loops back to a folder above it; not followed"));
                        continue;
                    }
                    below = new HashSet<>(ancestors);
                    below.add(e.fileKey());
                }
                String[] sub = new String[lanes.size()];
                for (int i = 0; i < lanes.size(); i++) {
                    sub[i] = laneEntries[i] != null && laneEntries[i].isDir() ? laneEntries[i].tree() : null;
                }
                String refSub = refEntry != null && refEntry.isDir() ? refEntry.tree() : null;
                children.add(walk(e.path(), childRel, refSub, sub, pool, inFlight, false, below)
                        .thenApply(r -> r == null ? null : new Child(TreeEntry.dir(e.name(), e.mtime(), r.hash), r.files, r.bytes)));
            } else {
                Optional<String> media = filter.mediaTypeOf(childRel);
                if (media.isEmpty()) {
                    continue;
                }
                files.incrementAndGet();
                bytes.addAndGet(e.size());
                listener.fileFound(childRel, e.size());
                TreeEntry same = unchangedEverywhere(e, childRel, media.get(), refEntry, laneEntries);
                if (same != null) {
                    // the nightly case: nothing to read or store, so no hand-off to the pool
                    children.add(CompletableFuture.completedFuture(new Child(same, 1, same.size())));
                    continue;
                }
                inFlight.acquireUninterruptibly();
                CompletableFuture<Child> f;
                try {
                    f = CompletableFuture.supplyAsync(() -> {
                        TreeEntry entry = backupFile(e, childRel, media.get(), refEntry, laneEntries);
                        return entry == null ? null : new Child(entry, 1, entry.size());
                    }, pool);
                } catch (RuntimeException ex) {
                    inFlight.release();
                    throw ex;
                }
                children.add(f.whenComplete((r, ex) -> inFlight.release()));
            }
        }
        return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new))
                .thenApplyAsync(v -> finishDir(children, refHash, refTree, laneHashes, isRoot), pool);
    }

    /** Finds entries of a tree by name, for names asked in increasing {@link Tree#NAME_ORDER}. */
    private static final class EntryCursor {
        private final List<TreeEntry> entries;
        private final Tree tree;
        private int next;

        EntryCursor(Tree tree) {
            this.tree = tree;
            this.entries = tree == null ? List.of() : tree.entries();
        }

        TreeEntry find(String name) {
            while (next < entries.size() && Tree.NAME_ORDER.compare(entries.get(next).name(), name) < 0) {
                next++;
            }
            if (next < entries.size() && entries.get(next).name().equals(name)) {
                return entries.get(next++);
            }
            if (next > 0 && Tree.NAME_ORDER.compare(entries.get(next - 1).name(), name) >= 0) {
                return tree.entry(name).orElse(null); // asked out of order
            }
            return null;
        }
    }

    private void stopIfCancelled() {
        if (options.cancelled().getAsBoolean()) {
            throw new CancellationException("backup cancelled; no snapshot was written");
        }
    }

    /** A finished child of a folder with the files and bytes under it. */
    private record Child(TreeEntry entry, long files, long bytes) {
    }

    private DirResult finishDir(List<CompletableFuture<Child>> children, String refHash, Tree refTree,
                                String[] laneHashes, boolean isRoot) {
        List<TreeEntry> entries = new ArrayList<>(children.size());
        long fileCount = 0;
        long byteCount = 0;
        for (CompletableFuture<Child> c : children) {
            Child child = c.join();
            if (child != null) {
                entries.add(child.entry);
                fileCount += child.files;
                byteCount += child.bytes;
            }
        }
        if (entries.isEmpty() && !isRoot) {
            return null;
        }
        Tree tree = Tree.of(entries);
        // a folder unchanged since the tree every target holds (the nightly case) is not encoded again
        String hash = refTree != null && tree.entries().equals(refTree.entries()) ? refHash : null;
        for (int i = 0; hash != null && i < lanes.size(); i++) {
            if (lanes.get(i).alive() && !hash.equals(laneHashes[i])) {
                hash = null;
            }
        }
        byte[] canonical = null;
        if (hash == null) {
            canonical = CanonicalJson.write(tree);
            hash = MultiDigest.sha256Hex(canonical);
        }
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            if (!lane.alive() || hash.equals(laneHashes[i])) {
                continue;
            }
            try {
                if (options.dryRun()) {
                    if (!lane.repo.hasTree(hash)) {
                        lane.treesWritten.incrementAndGet();
                    }
                } else if (lane.repo.putTree(hash, canonical)) {
                    lane.treesWritten.incrementAndGet();
                }
            } catch (StorageException e) {
                lane.fail(e);
            }
        }
        return new DirResult(hash, fileCount, byteCount);
    }

    /** Whether the reference entry still describes the file: same size, mtime and file key, every checksum a target needs. */
    private boolean trusts(TreeEntry ref, SourceEntry file) {
        return ref != null && ref.isFile() && ref.size() == file.size() && ref.mtime().equals(file.mtime())
                && (ref.fileKey() == null || file.fileKey() == null || ref.fileKey().equals(file.fileKey()))
                && (!extraChecksums.contains(ChecksumAlgorithm.MD5) || ref.md5() != null)
                && (!extraChecksums.contains(ChecksumAlgorithm.CRC32C) || ref.crc32c() != null);
    }

    /**
     * The entry of a file that looks unchanged and that every live target's latest snapshot holds
     * with the same content at this path (and is not due for a bit-rot re-read); null otherwise.
     */
    private TreeEntry unchangedEverywhere(SourceEntry file, String rel, String media, TreeEntry ref, TreeEntry[] laneEntries) {
        if (!trusts(ref, file) || (!options.dryRun() && rehashDue(rel))) {
            return null;
        }
        for (int i = 0; i < lanes.size(); i++) {
            TreeEntry held = laneEntries[i];
            if (lanes.get(i).alive() && (held == null || !held.isFile() || !ref.content().equals(held.content()))) {
                return null;
            }
        }
        unchanged.incrementAndGet();
        listener.fileDone(rel, file.size());
        TreeEntry entry = new TreeEntry(file.name(), EntryType.FILE, file.size(), file.mtime(), ref.content(), null,
                media, file.fileKey(), ref.md5(), ref.crc32c(), ref.suspect());
        return entry.equals(ref) ? ref : entry;
    }

    private TreeEntry backupFile(SourceEntry file, String rel, String media, TreeEntry ref, TreeEntry[] laneEntries) {
        boolean trustRef = trusts(ref, file);
        if (trustRef && !options.dryRun() && rehashDue(rel)) {
            try {
                TreeEntry checked = rehash(file, rel, ref, laneEntries);
                if (checked != null) {
                    listener.fileDone(rel, file.size());
                    return checked;
                }
            } catch (IOException | SecurityException e) {
                problem(new SourceProblem(file.path(), "cannot read to check it for bit rot: " + describe(e)));
            }
        }
        SourceEntry current = file;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS_PER_FILE; attempt++) {
            String hash;
            Checksums sums;
            Hashed hashed = null;
            Staging staging = null;
            try {
                List<Lane> stagers = trustRef ? List.of() : stagers(current, laneEntries);
                if (trustRef) {
                    hash = ref.content();
                    sums = ref.checksums();
                } else if (!stagers.isEmpty()) {
                    staging = stage(current, rel, stagers);
                    if (staging == null) {
                        current = restat(current);
                        continue;
                    }
                    hash = staging.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
                    sums = staging.sums;
                } else {
                    hashed = hash(current);
                    if (hashed == null) {
                        current = restat(current);
                        continue;
                    }
                    hash = hashed.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
                    sums = hashed.sums;
                }
            } catch (NoSuchFileException e) {
                problem(new SourceProblem(file.path(), "vanished while backing up"));
                return null;
            } catch (IOException | SecurityException e) {
                problem(new SourceProblem(file.path(), "cannot read: " + describe(e)));
                return null;
            }
            List<Lane> needing = new ArrayList<>();
            for (int i = 0; i < lanes.size(); i++) {
                TreeEntry held = laneEntries[i];
                if (lanes.get(i).alive() && (held == null || !held.isFile() || !hash.equals(held.content()))) {
                    needing.add(lanes.get(i));
                }
            }
            boolean mismatch;
            try {
                if (staging != null) {
                    needing = staging.publish(hash, needing);
                }
                boolean inMemory = hashed != null && hashed.inMemory();
                mismatch = needing.isEmpty() ? false
                        : !inMemory && needing.size() > 1
                        ? storeFannedOut(current, hash, sums, needing)
                        : storeEach(inMemory ? hashed.content() : ContentSource.ofFile(current.path(), current.size()),
                                hash, sums, needing, !inMemory);
            } catch (IOException e) {
                problem(new SourceProblem(file.path(), "cannot read: " + describe(e)));
                return null;
            } finally {
                if (staging != null) {
                    staging.close();
                }
                if (hashed != null) {
                    hashed.close();
                }
            }
            if (mismatch) {
                if (trustRef) {
                    try {
                        TreeEntry checked = rehash(current, rel, ref, laneEntries);
                        if (checked != null) {
                            listener.fileDone(rel, current.size());
                            return checked;
                        }
                    } catch (IOException | SecurityException e) {
                        problem(new SourceProblem(file.path(), "cannot read: " + describe(e)));
                        return null;
                    }
                    trustRef = false;
                }
                current = restatQuietly(current);
                continue;
            }
            if (trustRef) {
                unchanged.incrementAndGet();
                listener.fileDone(rel, current.size());
                return TreeEntry.file(file.name(), current.size(), current.mtime(), sums, media, current.fileKey())
                        .withSuspect(ref.suspect());
            }
            listener.fileDone(rel, current.size());
            return TreeEntry.file(file.name(), current.size(), current.mtime(), sums, media, current.fileKey());
        }
        problem(new SourceProblem(file.path(), "kept changing while being read; skipped this run"));
        return null;
    }

    /**
     * Stores the content on every lane that needs it, in parallel when there are several (the
     * content is in memory or re-readable, so each lane reads it on its own).
     *
     * @return true when the content did not match its hash
     */
    private boolean storeEach(ContentSource content, String hash, Checksums sums, List<Lane> needing, boolean fromDisk) {
        if (needing.size() == 1) {
            return store(needing.get(0), content, hash, sums, fromDisk);
        }
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (Lane lane : needing) {
            writes.add(CompletableFuture.supplyAsync(() -> store(lane, content, hash, sums, fromDisk), fanOutPool));
        }
        boolean mismatch = false;
        for (CompletableFuture<Boolean> w : writes) {
            mismatch |= w.join();
        }
        return mismatch;
    }

    private boolean store(Lane lane, ContentSource content, String hash, Checksums sums, boolean fromDisk) {
        try {
            ensureObject(lane, hash, content, sums, fromDisk);
            return false;
        } catch (ChecksumMismatchException e) {
            return true;
        } catch (StorageException e) {
            lane.fail(e);
            return false;
        }
    }

    /**
     * Stores a large file on several lanes at once from a single read of it.
     *
     * @return true when the content did not match its hash
     * @throws IOException when the source file could not be read
     */
    private boolean storeFannedOut(SourceEntry file, String hash, Checksums sums, List<Lane> needing) throws IOException {
        FileFanOut fan = new FileFanOut(file.path(), file.size(), needing.size(), false);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int k = 0; k < needing.size(); k++) {
            int slot = k;
            Lane lane = needing.get(k);
            writes.add(CompletableFuture.runAsync(() -> {
                try {
                    ensureObject(lane, hash, fan.source(slot), sums, false);
                } finally {
                    fan.writerDone(slot);
                }
            }, fanOutPool));
        }
        try {
            fan.pump(chunk -> count(chunk.length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        boolean mismatch = false;
        for (int k = 0; k < writes.size(); k++) {
            try {
                writes.get(k).join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ChecksumMismatchException) {
                    mismatch = true;
                } else if (fan.sourceError() == null && cause instanceof StorageException se) {
                    needing.get(k).fail(se);
                } else if (fan.sourceError() == null) {
                    throw e;
                }
            }
        }
        if (fan.sourceError() != null) {
            throw fan.sourceError();
        }
        return mismatch;
    }

    /**
     * The targets on which a new large file is best copied while it is hashed (staged, then named
     * by its hash), so that it is read once: those that can stage and hold no file of the same size
     * at this path. A file of unchanged size whose modification time moved is probably the same
     * content (a copied or touched library); it is hashed first, so nothing is sent for it.
     */
    private List<Lane> stagers(SourceEntry file, TreeEntry[] laneEntries) {
        if (options.dryRun() || file.size() <= options.smallFileLimit()) {
            return List.of();
        }
        List<Lane> stagers = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            TreeEntry held = laneEntries[i];
            if (lane.alive() && lane.repo.capabilities().staging()
                    && (held == null || !held.isFile() || held.size() != file.size())) {
                stagers.add(lane);
            }
        }
        return stagers;
    }

    /**
     * Reads a file once, hashing it while the given targets stage it.
     *
     * @return the checksums and what each target staged; null when the file changed while being
     *         read (nothing staged is kept)
     */
    private Staging stage(SourceEntry file, String rel, List<Lane> stagers) throws IOException {
        filesRead.incrementAndGet();
        String name = MultiDigest.sha256Hex((source.label() + "\n" + rel + "\n" + file.size() + "\n" + file.mtime())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 40);
        MultiDigest digest = new MultiDigest(extraChecksums);
        Staging staging = new Staging(file.size());
        if (stagers.size() == 1) {
            Lane lane = stagers.get(0);
            try {
                staging.staged.put(lane, lane.repo.stage(name, new HashingFileSource(file.path(), file.size(),
                        digest, this::count)));
            } catch (StorageException e) {
                LOG.debug("{}: staging {} failed, it is written the usual way: {}", lane.name, rel, e.getMessage());
            }
        } else {
            FileFanOut fan = new FileFanOut(file.path(), file.size(), stagers.size(), true);
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int k = 0; k < stagers.size(); k++) {
                int slot = k;
                Lane lane = stagers.get(k);
                stages.add(CompletableFuture.runAsync(() -> {
                    try {
                        StagedObject staged = lane.repo.stage(name, fan.source(slot));
                        synchronized (staging) {
                            staging.staged.put(lane, staged);
                        }
                    } catch (StorageException e) {
                        LOG.debug("{}: staging {} failed, it is written the usual way: {}", lane.name, rel, e.getMessage());
                    } finally {
                        fan.writerDone(slot);
                    }
                }, fanOutPool));
            }
            try {
                fan.pump(chunk -> {
                    digest.update(chunk, 0, chunk.length);
                    count(chunk.length);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                stages.forEach(CompletableFuture::join);
            }
            if (fan.sourceError() != null) {
                staging.close();
                throw fan.sourceError();
            }
        }
        if (staging.staged.isEmpty()) {
            // no target took it (each falls back to the usual write): hash it on its own
            Hashed h = hash(file);
            if (h == null) {
                return null;
            }
            staging.sums = h.sums;
            return staging;
        }
        SourceEntry after;
        try {
            after = restat(file);
        } catch (IOException e) {
            staging.close();
            throw e;
        }
        if (digest.length() != file.size() || after.size() != file.size() || !after.mtime().equals(file.mtime())) {
            staging.close();
            return null;
        }
        staging.sums = digest.finish();
        return staging;
    }

    /** What a single read of a large file left staged on each target. */
    private final class Staging implements AutoCloseable {
        final long size;
        final java.util.Map<Lane, StagedObject> staged = new java.util.HashMap<>();
        Checksums sums;

        Staging(long size) {
            this.size = size;
        }

        /**
         * Names the staged content on each target that needs it.
         *
         * @return the targets that need it but have nothing staged: they get the usual write
         */
        List<Lane> publish(String hash, List<Lane> needing) {
            List<Lane> rest = new ArrayList<>();
            for (Lane lane : needing) {
                StagedObject staged = this.staged.get(lane);
                if (staged == null) {
                    rest.add(lane);
                    continue;
                }
                try {
                    if (lane.repo.publishObject(hash, staged, sums)) {
                        lane.objectsWritten.incrementAndGet();
                        lane.bytesWritten.addAndGet(size);
                        listener.bytesStored(lane.name, size);
                    } else {
                        lane.objectsPresent.incrementAndGet();
                    }
                } catch (ChecksumMismatchException e) {
                    LOG.warn("{}: the staged copy of {} differs from what was read; writing it again: {}",
                            lane.name, hash, e.getMessage());
                    rest.add(lane);
                } catch (StorageException e) {
                    lane.fail(e);
                }
            }
            return rest;
        }

        @Override
        public void close() {
            staged.values().forEach(StagedObject::close);
        }
    }

    private boolean rehashDue(String rel) {
        int percent = options.rehashPercent();
        return percent >= 100 || (percent > 0 && Math.floorMod((rel + runSalt).hashCode(), 100) < percent);
    }

    /**
     * Reads an unchanged-looking file again. Same content: its entry as recorded. Different content
     * although size and mtime are the same: suspected bit rot; the entry keeps the last good
     * version and the suspect content is stored beside it on every target. Null when the file
     * changed while being read (the normal path then handles it).
     */
    private TreeEntry rehash(SourceEntry file, String rel, TreeEntry ref, TreeEntry[] laneEntries) throws IOException {
        try (Hashed h = hash(file)) {
            return h == null ? null : rehashed(file, rel, ref, laneEntries, h);
        }
    }

    private TreeEntry rehashed(SourceEntry file, String rel, TreeEntry ref, TreeEntry[] laneEntries, Hashed h) {
        String actual = h.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
        TreeEntry recorded = TreeEntry.file(file.name(), file.size(), file.mtime(), ref.checksums(), ref.media(),
                file.fileKey());
        if (actual.equals(ref.content())) {
            unchanged.incrementAndGet();
            return recorded;
        }
        List<Lane> alive = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            if (!lane.alive()) {
                continue;
            }
            alive.add(lane);
            TreeEntry held = laneEntries[i];
            if (held == null || !ref.content().equals(held.content())) {
                storeEach(copyOf(reference, ref), ref.content(), ref.checksums(), List.of(lane), false);
            }
        }
        ContentSource content = h.inMemory() ? h.content() : ContentSource.ofFile(file.path(), file.size());
        if (storeEach(content, actual, h.sums, alive, !h.inMemory())) {
            // the bytes changed again while being stored: nothing was kept under that hash, so the
            // entry must not name it; the caller goes on as for a file that changed while read
            LOG.warn("{} changed while its suspect content was being stored; not marked this run", file.path());
            return null;
        }
        LOG.error("suspected bit rot: {} changed (sha256 {} -> {}) although its size and modification time did not; "
                + "the last good version stays in the snapshot", file.path(), ref.content(), actual);
        suspects.add(new BitRotSuspect(rel, ref.content(), actual));
        return recorded.withSuspect(actual);
    }

    /** The last good version of a file, read from the repository that recorded it. */
    private static ContentSource copyOf(Lane from, TreeEntry entry) {
        return new ContentSource() {
            @Override
            public long size() {
                return entry.size();
            }

            @Override
            public InputStream open() {
                return from.repo.openObject(entry.content());
            }
        };
    }

    /** A file's checksums and, for a small file, its bytes in a pooled array until closed. */
    private final class Hashed implements AutoCloseable {
        final Checksums sums;
        private final int length;
        private byte[] buffer;

        Hashed(Checksums sums, byte[] buffer, int length) {
            this.sums = sums;
            this.buffer = buffer;
            this.length = length;
        }

        boolean inMemory() {
            return buffer != null;
        }

        /** The bytes read, vouched for by their checksums; valid until {@link #close()}. */
        ContentSource content() {
            byte[] bytes = buffer;
            return new ContentSource() {
                @Override
                public long size() {
                    return length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(bytes, 0, length);
                }

                @Override
                public Checksums knownChecksums() {
                    return sums;
                }
            };
        }

        @Override
        public void close() {
            if (buffer != null) {
                buffers.giveBack(buffer);
                buffer = null;
            }
        }
    }

    /** Reads and hashes a file; null when it changed while being read. */
    private Hashed hash(SourceEntry file) throws IOException {
        filesRead.incrementAndGet();
        byte[] data = null;
        Checksums sums;
        if (file.size() <= options.smallFileLimit()) {
            int size = (int) file.size();
            data = buffers.take(size + 1);
            int n = 0;
            try (InputStream in = Files.newInputStream(file.path())) {
                // at most 1 MiB per call: the JDK copies each read through a direct buffer of that
                // size which it keeps per thread, and whole-photo reads would keep one per photo size
                int got;
                while (n < size + 1 && (got = in.read(data, n, Math.min(READ_CHUNK, size + 1 - n))) > 0) {
                    n += got;
                }
            } catch (IOException | RuntimeException e) {
                buffers.giveBack(data);
                throw e;
            }
            count(n);
            if (n != size) {
                buffers.giveBack(data);
                return null;
            }
            MultiDigest digest = new MultiDigest(extraChecksums);
            digest.update(data, 0, n);
            sums = digest.finish();
        } else {
            MultiDigest digest = new MultiDigest(extraChecksums);
            byte[] buffer = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file.path())) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                    count(n);
                }
            }
            if (digest.length() != file.size()) {
                return null;
            }
            sums = digest.finish();
        }
        Hashed hashed = new Hashed(sums, data, (int) Math.min(file.size(), Integer.MAX_VALUE));
        SourceEntry after;
        try {
            after = restat(file);
        } catch (IOException | RuntimeException e) {
            hashed.close();
            throw e;
        }
        if (after.size() != file.size() || !after.mtime().equals(file.mtime())) {
            hashed.close();
            return null;
        }
        return hashed;
    }

    private void count(long n) {
        bytesRead.addAndGet(n);
        listener.bytesRead(n);
    }

    private SourceEntry restat(SourceEntry file) throws IOException {
        LinkOption[] opts = source.followLinks() ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        BasicFileAttributes a = Files.readAttributes(file.path(), BasicFileAttributes.class, opts);
        return new SourceEntry(file.name(), file.path(), false, a.size(), a.lastModifiedTime().toInstant(),
                a.fileKey() == null ? null : a.fileKey().toString());
    }

    private SourceEntry restatQuietly(SourceEntry file) {
        try {
            return restat(file);
        } catch (IOException e) {
            return file;
        }
    }

    /**
     * Makes sure the target holds the object. Concurrent callers for the same hash wait for the
     * first; a caller whose content turned out different (the file changed) leaves the slot to
     * the others.
     */
    private void ensureObject(Lane lane, String hash, ContentSource content, Checksums sums, boolean readsSource) {
        while (true) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> running = lane.inFlight.putIfAbsent(hash, mine);
            if (running != null) {
                try {
                    running.join();
                    lane.objectsPresent.incrementAndGet();
                    return;
                } catch (CompletionException e) {
                    if (e.getCause() instanceof ChecksumMismatchException) {
                        continue;
                    }
                    throw e.getCause() instanceof StorageException se ? se : e;
                }
            }
            try {
                Optional<ObjectInfo> there = lane.repo.statObject(hash);
                if (there.isPresent() && there.get().size() == content.size()) {
                    lane.objectsPresent.incrementAndGet();
                } else if (options.dryRun()) {
                    lane.objectsWritten.incrementAndGet();
                    lane.bytesWritten.addAndGet(content.size());
                } else {
                    if (readsSource) {
                        count(content.size());
                    }
                    if (lane.repo.putObject(hash, content, sums)) {
                        lane.objectsWritten.incrementAndGet();
                        lane.bytesWritten.addAndGet(content.size());
                        listener.bytesStored(lane.name, content.size());
                    } else {
                        lane.objectsPresent.incrementAndGet();
                    }
                }
                mine.complete(null);
                return;
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                lane.inFlight.remove(hash, mine);
            }
        }
    }

    private Tree loadTree(Lane lane, String hash) {
        try {
            return lane.repo.tree(hash);
        } catch (StorageException e) {
            LOG.warn("{}: cannot read tree {} of the last snapshot; its folder is treated as new: {}",
                    lane.name, hash, e.getMessage());
            return null;
        }
    }

    private void problem(SourceProblem p) {
        problemCount.incrementAndGet();
        if (problems.size() < MAX_LISTED_PROBLEMS) {
            problems.add(p);
        }
        LOG.warn("skipped {}: {}", p.path(), p.reason());
        listener.problem(p);
    }

    static String describe(Throwable e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : e instanceof StorageException ? e.getMessage() : type + ": " + e.getMessage();
    }

    private final class Lane {
        final String name;
        final Repository repo;
        final AtomicReference<StorageException> failure = new AtomicReference<>();
        final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
        final AtomicLong objectsWritten = new AtomicLong();
        final AtomicLong bytesWritten = new AtomicLong();
        final AtomicLong objectsPresent = new AtomicLong();
        final AtomicLong treesWritten = new AtomicLong();
        Snapshot parent;

        Lane(Destination d) {
            this.name = d.name();
            this.repo = d.repository();
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
    }
}
