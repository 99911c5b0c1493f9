package dev.heirloom.backup;

import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the phases of one backup run share: the source, the options, the lanes (one per target),
 * the source-side counters and problems, the buffers and the pool that feeds several lanes at once.
 */
final class RunContext {
    private static final Logger LOG = LoggerFactory.getLogger(RunContext.class);
    private static final int MAX_LISTED_PROBLEMS = 10_000;

    final SourceSpec source;
    final BackupEngine.Options options;
    final ProgressListener listener;
    final MediaFilter.Compiled filter;
    final List<Lane> lanes;
    /** Checksums besides SHA-256 that some target keeps and so that every new file is hashed with. */
    final Set<ChecksumAlgorithm> extraChecksums;
    final BufferPool buffers;
    final List<SourceProblem> problems = Collections.synchronizedList(new ArrayList<>());
    final List<BitRotSuspect> suspects = Collections.synchronizedList(new ArrayList<>());
    /** Files of the snapshot marked with suspect content, found this run or carried from an earlier one. */
    final AtomicLong suspectEntries = new AtomicLong();
    final AtomicLong problemCount = new AtomicLong();
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong filesRead = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong unchanged = new AtomicLong();
    /** The lane whose latest snapshot is the newest: the reference for change detection; null on a first run. */
    Lane reference;
    /** Runs the writes of one file to several lanes at once; set for the walk. */
    ExecutorService fanOutPool;

    RunContext(SourceSpec source, List<BackupEngine.Destination> destinations, BackupEngine.Options options,
               ProgressListener listener) {
        this.source = source;
        this.options = options;
        this.listener = listener;
        this.filter = source.filter().compile();
        this.lanes = destinations.stream().map(d -> new Lane(d, listener)).toList();
        this.buffers = new BufferPool(options.threads());
        Set<ChecksumAlgorithm> extra = EnumSet.noneOf(ChecksumAlgorithm.class);
        for (Lane lane : lanes) {
            extra.addAll(lane.repo.capabilities().serverChecksums());
        }
        extra.remove(ChecksumAlgorithm.SHA256);
        this.extraChecksums = extra;
    }

    /** Source bytes were read (to hash or to copy). */
    void count(long n) {
        bytesRead.addAndGet(n);
        listener.bytesRead(n);
    }

    /** A source entry is skipped this run, and why. */
    void problem(SourceProblem p) {
        problemCount.incrementAndGet();
        if (problems.size() < MAX_LISTED_PROBLEMS) {
            problems.add(p);
        }
        LOG.warn("skipped {}: {}", p.path(), p.reason());
        listener.problem(p);
    }

    void stopIfCancelled() {
        if (options.cancelled().getAsBoolean()) {
            throw new CancellationException("backup cancelled; no snapshot was written");
        }
    }

    /** The live lanes whose latest snapshot does not hold this content at this path. */
    List<Lane> needing(String hash, TreeEntry[] laneEntries) {
        List<Lane> needing = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            if (lacks(i, hash, laneEntries)) {
                needing.add(lanes.get(i));
            }
        }
        return needing;
    }

    /** Whether every live lane's latest snapshot holds this content at this path (no allocation: the nightly path). */
    boolean heldEverywhere(String hash, TreeEntry[] laneEntries) {
        for (int i = 0; i < lanes.size(); i++) {
            if (lacks(i, hash, laneEntries)) {
                return false;
            }
        }
        return true;
    }

    private boolean lacks(int lane, String hash, TreeEntry[] laneEntries) {
        TreeEntry held = laneEntries[lane];
        return lanes.get(lane).alive() && (held == null || !held.isFile() || !hash.equals(held.content()));
    }

    /** A failure as a report shows it: a storage error's own message, anything else with its type. */
    static String describe(Throwable e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : e instanceof StorageException ? e.getMessage() : type + ": " + e.getMessage();
    }
}
