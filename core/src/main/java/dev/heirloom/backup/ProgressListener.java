package dev.heirloom.backup;

import dev.heirloom.source.SourceProblem;
import dev.heirloom.spi.StorageException;

/**
 * Receives progress of a backup as it happens. Called from several threads at once; methods must
 * be quick and thread-safe. All methods do nothing by default.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** A file was found that the policy covers. */
    default void fileFound(String path, long size) {
    }

    /** Bytes of source content were read (for hashing or copying). */
    default void bytesRead(long count) {
    }

    /** Bytes were stored on a target. */
    default void bytesStored(String target, long count) {
    }

    /** A file is done: stored wherever it was missing, or found unchanged. */
    default void fileDone(String path, long size) {
    }

    /** Something in the source was skipped; the run goes on. */
    default void problem(SourceProblem problem) {
    }

    /** A target failed; it gets no snapshot this run, the others go on. */
    default void targetFailed(String target, StorageException error) {
    }
}
