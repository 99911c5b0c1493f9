package dev.heirloom.schedule;

import java.util.Objects;

/**
 * What a {@link JobAction} reports.
 *
 * @param status  how it ended
 * @param summary one line for logs and listeners; never a secret
 */
public record JobResult(JobStatus status, String summary) {
    /** Requires a status and a summary. */
    public JobResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
    }
}
