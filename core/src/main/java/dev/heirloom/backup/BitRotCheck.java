package dev.heirloom.backup;

import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ContentSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads unchanged-looking files again to catch silent corruption in the source. Same content:
 * the entry as recorded. Different content although size and mtime did not change: suspected bit
 * rot; the entry keeps the last good version, the suspect content is stored beside it on every
 * target and named in the entry, and a target that lacks the good version gets it from the target
 * that recorded it, never from the rotten file.
 */
final class BitRotCheck {
    private static final Logger LOG = LoggerFactory.getLogger(BitRotCheck.class);

    private final RunContext run;
    private final SourceReader reader;
    private final ObjectWrites writes;
    private final String runSalt = Long.toHexString(new SecureRandom().nextLong());

    BitRotCheck(RunContext run, SourceReader reader, ObjectWrites writes) {
        this.run = run;
        this.reader = reader;
        this.writes = writes;
    }

    /** Whether this file is in this run's random share of files to read again. */
    boolean due(String rel) {
        int percent = run.options.rehashPercent();
        return percent >= 100 || (percent > 0 && Math.floorMod((rel + runSalt).hashCode(), 100) < percent);
    }

    /**
     * Reads an unchanged-looking file again.
     *
     * @return its entry (marked when suspect); null when the file changed while being read, or
     *         its suspect bytes changed again while stored (the caller then goes on as usual)
     */
    TreeEntry recheck(SourceEntry file, String rel, TreeEntry ref, TreeEntry[] laneEntries) throws IOException {
        try (SourceReader.Hashed h = reader.hash(file)) {
            return h == null ? null : judge(file, rel, ref, laneEntries, h);
        }
    }

    private TreeEntry judge(SourceEntry file, String rel, TreeEntry ref, TreeEntry[] laneEntries, SourceReader.Hashed h) {
        String actual = h.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
        TreeEntry recorded = TreeEntry.file(file.name(), file.size(), file.mtime(), ref.checksums(), ref.media(),
                file.fileKey()).withCaptured(ref.captured());
        if (actual.equals(ref.content())) {
            run.unchanged.incrementAndGet();
            return recorded;
        }
        List<Lane> alive = new ArrayList<>();
        for (int i = 0; i < run.lanes.size(); i++) {
            Lane lane = run.lanes.get(i);
            if (!lane.alive()) {
                continue;
            }
            alive.add(lane);
            TreeEntry held = laneEntries[i];
            if (held == null || !ref.content().equals(held.content())) {
                writes.storeEach(copyOf(run.reference, ref), ref.content(), ref.checksums(), java.util.Optional.empty(),
                        List.of(lane), false);
            }
        }
        ContentSource content = h.inMemory() ? h.content() : ContentSource.ofFile(file.path(), file.size());
        if (writes.storeEach(content, actual, h.sums, h.prefixes, alive, !h.inMemory())) {
            // nothing was kept under that hash, so the entry must not name it
            LOG.warn("{} changed while its suspect content was being stored; not marked this run", file.path());
            return null;
        }
        LOG.error("suspected bit rot: {} changed (sha256 {} -> {}) although its size and modification time did not; "
                + "the last good version stays in the snapshot", file.path(), ref.content(), actual);
        run.suspects.add(new BitRotSuspect(rel, ref.content(), actual));
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
                return from.repo.objects().open(entry.content());
            }
        };
    }
}
