package dev.heirloom.progress;

/**
 * Hears how far a restore, a verification or a prune has come, for a progress display. Called from the
 * operation's worker threads, so implementations must be thread-safe and quick. The default
 * methods do nothing.
 */
public interface OperationProgress {
    /** Hears nothing. */
    OperationProgress NONE = new OperationProgress() {
    };

    /**
     * What the operation will go through, once it is known (before the first {@link #done}, or
     * never when it cannot be told in advance).
     */
    default void total(long items, long bytes) {
    }

    /** Items gone through (files restored or found there already, objects checked or deleted) and their bytes. */
    default void done(long items, long bytes) {
    }
}
