package dev.heirloom.backup;

import dev.heirloom.repository.PrefixHashes;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.CaptureDates;
import dev.heirloom.source.MediaGroup;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.source.SourceProblem;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

/**
 * Backs up one file that is not unchanged everywhere: finds its hash (recorded, staged while
 * read, or read and hashed), stores it on every lane that lacks it, and returns its tree entry. A
 * file that changes while read is read again (3 tries, then reported and skipped); an
 * unchanged-looking file whose bytes no longer match the recorded hash is handed to the bit-rot
 * check. A photo or video read for its content also gives its capture date.
 */
final class FileBackup {
    private static final int MAX_ATTEMPTS_PER_FILE = 3;

    private final RunContext run;
    private final ChangeDetection changes;
    private final SourceReader reader;
    private final Staging staging;
    private final ObjectWrites writes;
    private final BitRotCheck bitRot;

    FileBackup(RunContext run, ChangeDetection changes, SourceReader reader, Staging staging, ObjectWrites writes,
               BitRotCheck bitRot) {
        this.run = run;
        this.changes = changes;
        this.reader = reader;
        this.staging = staging;
        this.writes = writes;
        this.bitRot = bitRot;
    }

    /** The file's entry once every live lane holds its content; null when it is skipped (and reported). */
    TreeEntry backUp(SourceEntry file, String rel, String media, TreeEntry ref, TreeEntry[] laneEntries) {
        boolean trustRef = changes.trusts(ref, file);
        if (trustRef && changes.rehashDue(rel)) {
            try {
                TreeEntry checked = bitRot.recheck(file, rel, ref, laneEntries);
                if (checked != null) {
                    run.listener.fileDone(rel, file.size());
                    return checked;
                }
            } catch (IOException | SecurityException e) {
                run.problem(new SourceProblem(file.path(), "cannot read to check it for bit rot: " + RunContext.describe(e)));
            }
        }
        SourceEntry current = file;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS_PER_FILE; attempt++) {
            String hash;
            Checksums sums;
            SourceReader.Hashed hashed = null;
            Staging.Staged staged = null;
            try {
                List<Lane> stagers = trustRef ? List.of() : staging.stagers(current, laneEntries);
                if (trustRef) {
                    hash = ref.content();
                    sums = ref.checksums();
                } else if (!stagers.isEmpty()) {
                    staged = staging.stage(current, rel, stagers);
                    if (staged == null) {
                        current = reader.restat(current);
                        continue;
                    }
                    hash = staged.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
                    sums = staged.sums;
                } else {
                    hashed = reader.hash(current);
                    if (hashed == null) {
                        current = reader.restat(current);
                        continue;
                    }
                    hash = hashed.sums.get(ChecksumAlgorithm.SHA256).orElseThrow();
                    sums = hashed.sums;
                }
            } catch (NoSuchFileException e) {
                run.problem(new SourceProblem(file.path(), "vanished while backing up"));
                return null;
            } catch (IOException | SecurityException e) {
                run.problem(new SourceProblem(file.path(), "cannot read: " + RunContext.describe(e)));
                return null;
            }
            List<Lane> needing = run.needing(hash, laneEntries);
            boolean mismatch = false;
            try {
                if (staged != null) {
                    needing = staged.publish(hash, needing);
                }
                if (trustRef && !needing.isEmpty() && !run.options.dryRun() && current.size() > run.options.smallFileLimit()
                        && needing.stream().anyMatch(lane -> lane.repo.encrypted())) {
                    // encrypted the same way on every try (so its upload can resume) only after a first read
                    // recorded what each block must be: see PrefixHashes
                    hashed = reader.hash(current);
                    if (hashed == null) {
                        // it changed while read: no longer the file the snapshot recorded
                        trustRef = false;
                        current = reader.restat(current);
                        continue;
                    }
                    mismatch = !hashed.sums.get(ChecksumAlgorithm.SHA256).orElseThrow().equals(hash);
                }
                boolean inMemory = hashed != null && hashed.inMemory();
                Optional<PrefixHashes> firstRead = hashed != null ? hashed.prefixes
                        : staged != null ? staged.prefixes : Optional.empty();
                if (!mismatch && !needing.isEmpty()) {
                    mismatch = !inMemory && needing.size() > 1
                            ? writes.storeFannedOut(current, hash, sums, firstRead, needing)
                            : writes.storeEach(inMemory ? hashed.content() : ContentSource.ofFile(current.path(), current.size()),
                                    hash, sums, firstRead, needing, !inMemory);
                }
            } catch (NoSuchFileException e) {
                run.problem(new SourceProblem(file.path(), "vanished while backing up"));
                return null;
            } catch (IOException e) {
                run.problem(new SourceProblem(file.path(), "cannot read: " + RunContext.describe(e)));
                return null;
            } finally {
                if (staged != null) {
                    staged.close();
                }
                if (hashed != null) {
                    hashed.close();
                }
            }
            if (mismatch) {
                if (trustRef) {
                    try {
                        TreeEntry checked = bitRot.recheck(current, rel, ref, laneEntries);
                        if (checked != null) {
                            run.listener.fileDone(rel, current.size());
                            return checked;
                        }
                    } catch (IOException | SecurityException e) {
                        run.problem(new SourceProblem(file.path(), "cannot read: " + RunContext.describe(e)));
                        return null;
                    }
                    trustRef = false;
                }
                current = reader.restatQuietly(current);
                continue;
            }
            run.listener.fileDone(rel, current.size());
            TreeEntry entry = TreeEntry.file(file.name(), current.size(), current.mtime(), sums, media, current.fileKey());
            if (trustRef) {
                run.unchanged.incrementAndGet();
                return entry.withSuspect(ref.suspect()).withCaptured(ref.captured());
            }
            return entry.withCaptured(captureDate(current, media));
        }
        run.problem(new SourceProblem(file.path(), "kept changing while being read; skipped this run"));
        return null;
    }

    /**
     * The capture date of a photo or video whose content was just read (so its header is in the
     * page cache): unchanged files keep the one recorded and are not read for it.
     */
    private static String captureDate(SourceEntry file, String media) {
        if (!MediaGroup.PHOTOS.mediaType().equals(media) && !MediaGroup.VIDEOS.mediaType().equals(media)) {
            return null;
        }
        return CaptureDates.of(file.path()).orElse(null);
    }
}
