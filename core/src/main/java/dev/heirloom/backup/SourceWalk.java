package dev.heirloom.backup;

import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.source.SourceLister;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * Walks the source one folder at a time, in name order, on the calling thread, matching each
 * entry with the reference snapshot's tree and each lane's tree at the same path. Files that are
 * unchanged everywhere become entries at once; the others go to the pool ({@link FileBackup}),
 * with a bound on the files in flight so memory does not grow with the library. A folder becomes
 * its tree ({@link TreeWriter}) once all its children are done.
 */
final class SourceWalk {
    private static final Logger LOG = LoggerFactory.getLogger(SourceWalk.class);

    /** A finished folder: its tree hash and the files and bytes under it. */
    record Folder(String hash, long files, long bytes) {
    }

    /** A finished child of a folder with the files and bytes under it. */
    private record Child(TreeEntry entry, long files, long bytes) {
    }

    private final RunContext run;
    private final SourceLister lister;
    private final ChangeDetection changes;
    private final FileBackup files;
    private final TreeWriter trees;
    private final ExecutorService pool;
    private final Semaphore inFlight;

    SourceWalk(RunContext run, ChangeDetection changes, FileBackup files, TreeWriter trees, ExecutorService pool) {
        this.run = run;
        this.lister = new SourceLister(run.source.followLinks(), run::problem);
        this.changes = changes;
        this.files = files;
        this.trees = trees;
        this.pool = pool;
        this.inFlight = new Semaphore(run.options.threads() * 2);
    }

    /** Walks the whole source; the future completes with the root folder. */
    CompletableFuture<Folder> root() {
        String[] laneRoots = new String[run.lanes.size()];
        for (int i = 0; i < run.lanes.size(); i++) {
            laneRoots[i] = run.lanes.get(i).parent == null ? null : run.lanes.get(i).parent.root();
        }
        String refRoot = run.reference == null ? null : run.reference.parent.root();
        return walk(run.source.root(), "", refRoot, laneRoots, true, Set.of());
    }

    private CompletableFuture<Folder> walk(Path dir, String rel, String refHash, String[] laneHashes, boolean isRoot,
                                           Set<String> ancestors) {
        int n = run.lanes.size();
        Tree refTree = refHash == null ? null : loadTree(run.reference, refHash);
        EntryCursor refCursor = new EntryCursor(refTree);
        EntryCursor[] laneCursors = new EntryCursor[n];
        // what each lane holds intact here: a tree it cannot read is written again, never built upon
        String[] held = laneHashes.clone();
        for (int i = 0; i < n; i++) {
            String h = laneHashes[i];
            Lane lane = run.lanes.get(i);
            Tree laneTree;
            if (h == null) {
                laneTree = null;
            } else if (h.equals(refHash) && (refTree != null || lane == run.reference)) {
                laneTree = refTree;
            } else {
                laneTree = loadTree(lane, h);
            }
            if (h != null && laneTree == null) {
                held[i] = null;
            }
            laneCursors[i] = laneTree == refTree ? refCursor : new EntryCursor(laneTree);
        }
        List<CompletableFuture<Child>> children = new ArrayList<>();
        for (SourceEntry e : lister.list(dir)) {
            run.stopIfCancelled();
            String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            TreeEntry refEntry = refCursor.find(e.name());
            TreeEntry[] laneEntries = new TreeEntry[n];
            for (int i = 0; i < n; i++) {
                laneEntries[i] = laneCursors[i] == refCursor ? refEntry : laneCursors[i].find(e.name());
            }
            if (e.dir()) {
                folder(e, childRel, refEntry, laneEntries, ancestors).ifPresent(children::add);
            } else {
                file(e, childRel, refEntry, laneEntries).ifPresent(children::add);
            }
        }
        return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new))
                .thenApplyAsync(v -> finish(children, refHash, refTree, held, isRoot), pool);
    }

    private Optional<CompletableFuture<Child>> folder(SourceEntry e, String rel, TreeEntry refEntry,
                                                      TreeEntry[] laneEntries, Set<String> ancestors) {
        if (run.filter.excludesDir(rel)) {
            return Optional.empty();
        }
        Set<String> below = ancestors;
        if (run.source.followLinks() && e.fileKey() != null) {
            if (ancestors.contains(e.fileKey())) {
                run.problem(new SourceProblem(e.path(), "a symbolic link loops back to a folder above it; not followed"));
                return Optional.empty();
            }
            below = new HashSet<>(ancestors);
            below.add(e.fileKey());
        }
        String[] sub = new String[laneEntries.length];
        for (int i = 0; i < laneEntries.length; i++) {
            sub[i] = laneEntries[i] != null && laneEntries[i].isDir() ? laneEntries[i].tree() : null;
        }
        String refSub = refEntry != null && refEntry.isDir() ? refEntry.tree() : null;
        return Optional.of(walk(e.path(), rel, refSub, sub, false, below)
                .thenApply(r -> r == null ? null : new Child(TreeEntry.dir(e.name(), e.mtime(), r.hash()), r.files(), r.bytes())));
    }

    private Optional<CompletableFuture<Child>> file(SourceEntry e, String rel, TreeEntry refEntry, TreeEntry[] laneEntries) {
        Optional<String> media = run.filter.mediaTypeOf(rel);
        if (media.isEmpty()) {
            return Optional.empty();
        }
        run.files.incrementAndGet();
        run.bytes.addAndGet(e.size());
        run.listener.fileFound(rel, e.size());
        TreeEntry same = changes.unchangedEverywhere(e, rel, media.get(), refEntry, laneEntries);
        if (same != null) {
            // the nightly case: nothing to read or store, so no hand-off to the pool
            return Optional.of(CompletableFuture.completedFuture(new Child(same, 1, same.size())));
        }
        inFlight.acquireUninterruptibly();
        CompletableFuture<Child> f;
        try {
            f = CompletableFuture.supplyAsync(() -> {
                TreeEntry entry = files.backUp(e, rel, media.get(), refEntry, laneEntries);
                return entry == null ? null : new Child(entry, 1, entry.size());
            }, pool);
        } catch (RuntimeException ex) {
            inFlight.release();
            throw ex;
        }
        return Optional.of(f.whenComplete((r, ex) -> inFlight.release()));
    }

    private Folder finish(List<CompletableFuture<Child>> children, String refHash, Tree refTree, String[] laneHashes,
                          boolean isRoot) {
        List<TreeEntry> entries = new ArrayList<>(children.size());
        long fileCount = 0;
        long byteCount = 0;
        for (CompletableFuture<Child> c : children) {
            Child child = c.join();
            if (child != null) {
                entries.add(child.entry());
                if (child.entry().suspect() != null) {
                    run.suspectEntries.incrementAndGet();
                }
                fileCount += child.files();
                byteCount += child.bytes();
            }
        }
        if (entries.isEmpty() && !isRoot) {
            return null;
        }
        return new Folder(trees.write(entries, refHash, refTree, laneHashes), fileCount, byteCount);
    }

    /** A lane's tree, or null when it cannot be read; the lane then writes the folder's tree again. */
    private static Tree loadTree(Lane lane, String hash) {
        try {
            return lane.repo.trees().get(hash);
        } catch (StorageException e) {
            LOG.warn("{}: cannot read tree {} of the last snapshot; its folder is read from the source and its tree "
                    + "written again: {}", lane.name, hash, e.getMessage());
            lane.unreadableTrees.add(hash);
            return null;
        }
    }
}
