package dev.heirloom.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * Which snapshots of a source a target keeps. A snapshot is kept when any rule keeps it; the
 * newest snapshot is always kept. Periods (day, ISO week, month, year) are calendar periods in
 * UTC; each period rule keeps the newest snapshot of each of its N most recent periods that have one.
 *
 * @param last        the newest N snapshots
 * @param daily       one per day for the N most recent days with snapshots
 * @param weekly      one per ISO week, N weeks
 * @param monthly     one per month, N months
 * @param yearly      one per year, N years
 * @param within      every snapshot younger than this (zero: none)
 * @param deletedFor  a file deleted from the source stays restorable at least this long: the last
 *                    snapshot holding it is kept until its deletion is older (zero: no such rule)
 */
public record RetentionPolicy(int last, int daily, int weekly, int monthly, int yearly, Duration within,
                              Duration deletedFor) {
    /** Counts and durations must not be negative. */
    public RetentionPolicy {
        Objects.requireNonNull(within, "within");
        Objects.requireNonNull(deletedFor, "deletedFor");
        if (last < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0 || within.isNegative() || deletedFor.isNegative()) {
            throw new IllegalArgumentException("retention counts and durations cannot be negative");
        }
    }

    /** A policy that keeps nothing but the newest snapshot; add rules with the {@code with…} methods. */
    public static RetentionPolicy none() {
        return new RetentionPolicy(0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO);
    }

    /** This policy, also keeping the newest {@code n} snapshots. */
    public RetentionPolicy withLast(int n) {
        return new RetentionPolicy(n, daily, weekly, monthly, yearly, within, deletedFor);
    }

    /** This policy, also keeping one snapshot a day for {@code n} days. */
    public RetentionPolicy withDaily(int n) {
        return new RetentionPolicy(last, n, weekly, monthly, yearly, within, deletedFor);
    }

    /** This policy, also keeping one snapshot an ISO week for {@code n} weeks. */
    public RetentionPolicy withWeekly(int n) {
        return new RetentionPolicy(last, daily, n, monthly, yearly, within, deletedFor);
    }

    /** This policy, also keeping one snapshot a month for {@code n} months. */
    public RetentionPolicy withMonthly(int n) {
        return new RetentionPolicy(last, daily, weekly, n, yearly, within, deletedFor);
    }

    /** This policy, also keeping one snapshot a year for {@code n} years. */
    public RetentionPolicy withYearly(int n) {
        return new RetentionPolicy(last, daily, weekly, monthly, n, within, deletedFor);
    }

    /** This policy, also keeping every snapshot younger than {@code d}. */
    public RetentionPolicy withWithin(Duration d) {
        return new RetentionPolicy(last, daily, weekly, monthly, yearly, d, deletedFor);
    }

    /** This policy, also keeping a deleted file restorable for at least {@code d} after its deletion. */
    public RetentionPolicy withDeletedFor(Duration d) {
        return new RetentionPolicy(last, daily, weekly, monthly, yearly, within, d);
    }
}
