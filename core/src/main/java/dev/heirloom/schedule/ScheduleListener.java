package dev.heirloom.schedule;

import java.time.Instant;

/**
 * Hears about each scheduled run; called on the scheduler's thread, so keep it short. The default
 * methods do nothing.
 */
public interface ScheduleListener {
    /** A run of {@code job} starts; {@code reason} as in {@link JobOutcome#reason()}. */
    default void started(String job, String reason, Instant at) {
    }

    /** A run ended, however it ended. */
    default void finished(JobOutcome outcome) {
    }
}
