package dev.heirloom;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a target's copies are locked against deletion and overwriting, as far as can be shown:
 * never claimed from configuration alone, only from a lock extension that found every file the
 * kept snapshots need locked, and only until the earliest of those locks runs out.
 *
 * @param immutable   whether they are locked now
 * @param lockedUntil until when, when they are
 * @param explanation in words: until when, or why not
 */
public record TargetLocks(boolean immutable, Optional<Instant> lockedUntil, String explanation) {

    static TargetLocks not(String why) {
        return new TargetLocks(false, Optional.empty(), why);
    }

    static TargetLocks until(Instant end, Instant checked) {
        return new TargetLocks(true, Optional.of(end), "locked until " + end + " (locks last extended " + checked + ")");
    }
}
