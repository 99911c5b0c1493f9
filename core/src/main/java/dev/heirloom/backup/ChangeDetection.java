package dev.heirloom.backup;

import dev.heirloom.repository.EntryType;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.spi.ChecksumAlgorithm;

/**
 * Decides from metadata alone whether a file needs reading: a file whose size, mtime and file key
 * equal the reference snapshot's entry keeps its recorded hash, unless a target needs a checksum
 * that entry lacks or the file is due for a bit-rot re-read.
 */
final class ChangeDetection {
    private final RunContext run;
    private final BitRotCheck bitRot;

    ChangeDetection(RunContext run, BitRotCheck bitRot) {
        this.run = run;
        this.bitRot = bitRot;
    }

    /** Whether the reference entry still describes the file: same size, mtime and file key, every checksum a target needs. */
    boolean trusts(TreeEntry ref, SourceEntry file) {
        return ref != null && ref.isFile() && ref.size() == file.size() && ref.mtime().equals(file.mtime())
                && (ref.fileKey() == null || file.fileKey() == null || ref.fileKey().equals(file.fileKey()))
                && (!run.extraChecksums.contains(ChecksumAlgorithm.MD5) || ref.md5() != null)
                && (!run.extraChecksums.contains(ChecksumAlgorithm.CRC32C) || ref.crc32c() != null);
    }

    /** Whether a trusted file is to be read again this run (never in a dry run). */
    boolean rehashDue(String rel) {
        return !run.options.dryRun() && bitRot.due(rel);
    }

    /**
     * The entry of a file that looks unchanged and that every live target's latest snapshot holds
     * with the same content at this path (and is not due for a bit-rot re-read): the nightly case,
     * nothing to read or store. Null otherwise.
     */
    TreeEntry unchangedEverywhere(SourceEntry file, String rel, String media, TreeEntry ref, TreeEntry[] laneEntries) {
        if (!trusts(ref, file) || rehashDue(rel)) {
            return null;
        }
        if (!run.heldEverywhere(ref.content(), laneEntries)) {
            return null;
        }
        run.unchanged.incrementAndGet();
        run.listener.fileDone(rel, file.size());
        TreeEntry entry = new TreeEntry(file.name(), EntryType.FILE, file.size(), file.mtime(), ref.content(), null,
                media, file.fileKey(), ref.md5(), ref.crc32c(), ref.suspect(), ref.captured());
        return entry.equals(ref) ? ref : entry;
    }
}
