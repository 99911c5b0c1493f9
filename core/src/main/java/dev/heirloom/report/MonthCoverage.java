package dev.heirloom.report;

/**
 * The photos and videos taken in one month, and how well they are kept.
 *
 * @param month           {@code yyyy-MM}
 * @param photos          photos taken then
 * @param videos          videos taken then
 * @param fewestCopies    the fewest copies any of them has that count (the source included)
 * @param mostCopies      the most copies any of them has
 * @param shortOfPolicy   how many of them do not meet the policy
 * @param datedByFileTime how many are dated by modification time, their metadata having no capture date
 */
public record MonthCoverage(String month, long photos, long videos, int fewestCopies, int mostCopies,
                            long shortOfPolicy, long datedByFileTime) {
    /** Photos and videos together. */
    public long files() {
        return photos + videos;
    }
}
