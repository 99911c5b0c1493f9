package dev.heirloom.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Are the photos safe: the policy's verdict in plain words, each target's state, the library's
 * coverage by capture month, the files at risk and what to do next. Aggregated, so its size does
 * not grow with the library (at most {@link #LISTED_AT_RISK} files are listed).
 *
 * @param generated       when it was made
 * @param source          the source's label
 * @param policy          the policy, as {@code copies-media-offsite}
 * @param met             whether every file of the newest snapshot meets the policy (as
 *                        {@link dev.heirloom.policy.ComplianceReport#compliant()})
 * @param reasons         why, in plain words: the first line is the headline
 * @param snapshotId      the snapshot taken as the state of the source, if any
 * @param files           files in it
 * @param photos          photos among them
 * @param videos          videos among them
 * @param datedByFileTime photos and videos whose metadata gave no capture date, so dated by modification time
 * @param targets         one card per configured target, in configuration order
 * @param months          photos and videos per capture month, oldest first; other files are not dated
 * @param atRisk          files short of the policy, with copies that failed verification, or with suspected
 *                        bit rot; at most {@link #LISTED_AT_RISK}, photos and videos first
 * @param atRiskTotal     how many files are at risk in all
 * @param nextSteps       what to do, each a sentence ending in the command that does it
 */
public record PhotoReport(Instant generated, String source, String policy, boolean met, List<String> reasons,
                          Optional<String> snapshotId, long files, long photos, long videos, long datedByFileTime,
                          List<TargetCard> targets, List<MonthCoverage> months, List<AtRiskFile> atRisk,
                          long atRiskTotal, List<String> nextSteps) {
    /** Most at-risk files a report lists; {@link #atRiskTotal()} counts them all. */
    public static final int LISTED_AT_RISK = 500;

    /** Copies the collections, so the value never changes. */
    public PhotoReport {
        reasons = List.copyOf(reasons);
        targets = List.copyOf(targets);
        months = List.copyOf(months);
        atRisk = List.copyOf(atRisk);
        nextSteps = List.copyOf(nextSteps);
    }

    /** The months summed by year, oldest first. */
    public List<YearCoverage> years() {
        java.util.Map<String, YearCoverage> years = new java.util.TreeMap<>();
        for (MonthCoverage m : months) {
            years.merge(m.month().substring(0, 4),
                    new YearCoverage(m.month().substring(0, 4), m.files(), m.shortOfPolicy(), m.fewestCopies()),
                    (a, b) -> new YearCoverage(a.year(), a.files() + b.files(), a.shortOfPolicy() + b.shortOfPolicy(),
                            Math.min(a.fewestCopies(), b.fewestCopies())));
        }
        return List.copyOf(years.values());
    }

    /** {@code MET} or {@code NOT MET}. */
    public String verdict() {
        return met ? "MET" : "NOT MET";
    }
}
