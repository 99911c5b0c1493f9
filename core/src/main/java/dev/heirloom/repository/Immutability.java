package dev.heirloom.repository;

import java.time.Duration;

/**
 * How long a repository locks its permanent files (content objects, trees, snapshots, key slots and
 * {@code heirloom.json}) on a target that can lock objects: each is written locked for
 * {@code days}, so that for that long nobody, whatever their credentials, can delete or
 * overwrite it; a lock extension keeps what snapshots still need locked. Zero days locks nothing.
 *
 * @param days how long a new lock lasts, 0 for none
 */
public record Immutability(int days) {
    /** The longest lock accepted: ten years, past which a mistyped value would cost a decade of storage. */
    public static final int MAX_DAYS = 3650;

    /** Requires 0 (not immutable) to {@value #MAX_DAYS} days. */
    public Immutability {
        if (days < 0 || days > MAX_DAYS) {
            throw new IllegalArgumentException("immutableDays must be from 0 to " + MAX_DAYS + ", not " + days);
        }
    }

    /** Nothing locked. */
    public static Immutability none() {
        return new Immutability(0);
    }

    /** Whether files are to be locked at all. */
    public boolean wanted() {
        return days > 0;
    }

    /** How long a new lock lasts. */
    public Duration period() {
        return Duration.ofDays(days);
    }
}
