package dev.heirloom.schedule;

import java.time.Instant;

/**
 * One finished run of a scheduled job.
 *
 * @param job      the job's name
 * @param reason   why it ran: {@code first run}, {@code schedule}, {@code catch-up (N missed)},
 *                 {@code watch} or {@code requested}
 * @param started  when it started (scheduler clock)
 * @param finished when it ended
 * @param status   how it ended
 * @param summary  one line: what it did or why it failed
 */
public record JobOutcome(String job, String reason, Instant started, Instant finished, JobStatus status, String summary) {
}
