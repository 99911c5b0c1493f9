package dev.heirloom.backup;

import dev.heirloom.repository.PrefixHashes;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Stores a file's content object on every lane that lacks it: from memory or a re-readable file
 * in parallel, or a large file from one read fed to all of them ({@link FileFanOut}). An object
 * already present (same size) is not written again, and files with the same content being stored
 * at once wait for a single upload. A lane whose target fails is dropped; content that turns out
 * not to match its hash (the file changed) is reported to the caller, which reads the file again.
 */
final class ObjectWrites {
    private final RunContext run;

    ObjectWrites(RunContext run) {
        this.run = run;
    }

    /**
     * Stores the content on every lane that needs it, in parallel when there are several (the
     * content is in memory or re-readable, so each lane reads it on its own).
     *
     * @return true when the content did not match its hash
     */
    boolean storeEach(ContentSource content, String hash, Checksums sums, Optional<PrefixHashes> firstRead,
                      List<Lane> needing, boolean fromDisk) {
        if (needing.size() == 1) {
            return store(needing.get(0), content, hash, sums, firstRead, fromDisk);
        }
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (Lane lane : needing) {
            writes.add(CompletableFuture.supplyAsync(() -> store(lane, content, hash, sums, firstRead, fromDisk),
                    run.fanOutPool));
        }
        boolean mismatch = false;
        for (CompletableFuture<Boolean> w : writes) {
            mismatch |= w.join();
        }
        return mismatch;
    }

    private boolean store(Lane lane, ContentSource content, String hash, Checksums sums,
                          Optional<PrefixHashes> firstRead, boolean fromDisk) {
        try {
            ensureObject(lane, hash, content, sums, firstRead, fromDisk);
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
    boolean storeFannedOut(SourceEntry file, String hash, Checksums sums, Optional<PrefixHashes> firstRead,
                           List<Lane> needing) throws IOException {
        FileFanOut fan = new FileFanOut(file.path(), file.size(), needing.size(), false);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int k = 0; k < needing.size(); k++) {
            int slot = k;
            Lane lane = needing.get(k);
            writes.add(CompletableFuture.runAsync(() -> {
                try {
                    ensureObject(lane, hash, fan.source(slot), sums, firstRead, false);
                } finally {
                    fan.writerDone(slot);
                }
            }, run.fanOutPool));
        }
        try {
            fan.pump(chunk -> run.count(chunk.length));
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
     * Makes sure the target holds the object. Concurrent callers for the same hash wait for the
     * first; a caller whose content turned out different (the file changed) leaves the slot to
     * the others.
     */
    private void ensureObject(Lane lane, String hash, ContentSource content, Checksums sums,
                              Optional<PrefixHashes> firstRead, boolean readsSource) {
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
                Optional<ObjectInfo> there = lane.startedEmpty ? Optional.empty() : lane.repo.objects().stat(hash);
                if (there.isPresent() && there.get().size() == lane.repo.objects().storedSize(content.size())) {
                    if (!run.options.dryRun()) {
                        lane.repo.locks().keepLocked(there.get());
                    }
                    lane.objectsPresent.incrementAndGet();
                } else if (run.options.dryRun()) {
                    lane.objectsWritten.incrementAndGet();
                    lane.bytesWritten.addAndGet(content.size());
                } else {
                    if (readsSource) {
                        run.count(content.size());
                    }
                    if (lane.repo.objects().put(hash, content, sums, firstRead)) {
                        lane.wrote(content.size());
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
}
