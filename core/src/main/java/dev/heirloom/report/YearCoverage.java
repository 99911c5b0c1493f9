package dev.heirloom.report;

/**
 * The photos and videos taken in one year, its months summed.
 *
 * @param year          {@code yyyy}
 * @param files         photos and videos taken then
 * @param shortOfPolicy how many of them do not meet the policy
 * @param fewestCopies  the fewest copies any of them has that count
 */
public record YearCoverage(String year, long files, long shortOfPolicy, int fewestCopies) {
}
