package dev.heirloom.schedule;

/** How a scheduled run ended. */
public enum JobStatus {
    /** Everything the job does was done. */
    SUCCEEDED,
    /** Done, but the result needs a person: the 3-2-1 policy is not met, or source files were skipped. */
    WARNING,
    /** A target failed, an object is damaged, or the job threw. */
    FAILED,
    /** Stopped by {@link JobScheduler#close()} before it finished; it runs again at the next start. */
    CANCELLED
}
