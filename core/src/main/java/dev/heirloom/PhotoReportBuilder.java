package dev.heirloom;

import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.DamagedFolder;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.report.PhotoReport;
import dev.heirloom.report.TargetCard;
import dev.heirloom.verify.VerificationRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Puts a {@link PhotoReport} together from the status of every target and the tally of the newest
 * snapshot's files: the verdict and its reasons in plain words, one card per target, and the next
 * steps as commands.
 */
final class PhotoReportBuilder {
    /** A target not verified for longer than this is told to verify. */
    static final Duration VERIFY_DUE = Duration.ofDays(31);

    private PhotoReportBuilder() {
    }

    /**
     * @param histories each target's snapshots of the source, oldest first (empty when it could not be read)
     * @param counts    whether a target's verifications let its copies count
     */
    static PhotoReport build(String source, StatusReport status, LibraryTally tally, Map<String, List<Snapshot>> histories,
                             Predicate<List<VerificationRecord>> counts, Instant now) {
        ComplianceReport c = status.compliance();
        List<TargetCard> cards = new ArrayList<>();
        Map<String, Instant> lastReached = lastReached(status, histories);
        for (TargetStatus t : status.targets()) {
            List<TargetCard.SnapshotPoint> history = histories.getOrDefault(t.spec().name(), List.of()).stream()
                    .map(PhotoReportBuilder::point).toList();
            history = history.subList(Math.max(0, history.size() - TargetCard.HISTORY), history.size());
            cards.add(new TargetCard(t.spec().name(), t.spec().medium().label(), t.spec().site().label(),
                    t.encrypted(), t.locks().immutable(), t.latest().map(PhotoReportBuilder::point),
                    t.verifications().stream().map(v -> new TargetCard.Verification(v.level().label(), v.time(),
                            v.samplePercent(), v.objectsChecked(), v.bad())).toList(),
                    t.error(), t.error().isEmpty() && t.latest().isPresent() && counts.test(t.verifications()),
                    tally.lacking(t.spec().name()), history, Optional.ofNullable(lastReached.get(t.spec().name()))));
        }
        return new PhotoReport(now, source, c.policy().toString(), c.compliant(), reasons(c, tally), c.snapshotId(),
                tally.files(), tally.photos(), tally.videos(), tally.datedByFileTime(), cards, tally.months(),
                tally.atRisk(), tally.atRiskTotal(), nextSteps(status, tally, lastReached, now));
    }

    /** For each target that cannot be read, the newest snapshot on a readable one that says a backup reached it. */
    private static Map<String, Instant> lastReached(StatusReport status, Map<String, List<Snapshot>> histories) {
        Map<String, Instant> last = new java.util.HashMap<>();
        for (TargetStatus t : status.targets()) {
            if (t.error().isEmpty()) {
                continue;
            }
            String name = t.spec().name();
            histories.values().stream().flatMap(List::stream)
                    .filter(s -> s.reached() != null && s.reached().contains(name))
                    .map(Snapshot::time).max(Instant::compareTo).ifPresent(time -> last.put(name, time));
        }
        return last;
    }

    private static TargetCard.SnapshotPoint point(Snapshot s) {
        return new TargetCard.SnapshotPoint(s.id(), s.time(), s.files(), s.bytes());
    }

    /** The headline first, then each thing that keeps the policy from being met. */
    private static List<String> reasons(ComplianceReport c, LibraryTally tally) {
        Policy p = c.policy();
        String asks = p.asks();
        List<String> reasons = new ArrayList<>();
        if (c.snapshotId().isEmpty()) {
            reasons.add("Nothing is backed up yet: no target holds a snapshot of this source.");
        } else if (c.compliant()) {
            reasons.add(String.format(Locale.ROOT, "Every one of the %,d files has at least %s (policy %s).",
                    c.totalFiles(), asks, p));
        } else if (c.nonCompliantFiles() > 0) {
            reasons.add(String.format(Locale.ROOT, "%,d of %,d files have fewer than %s (policy %s).",
                    c.nonCompliantFiles(), c.totalFiles(), asks, p));
        } else {
            reasons.add("Not every file could be counted: part of the backup cannot be read back from any target.");
        }
        c.unreachable().forEach(r -> reasons.add("These targets can never meet the policy: " + r + "."));
        c.unavailable().forEach(t -> reasons.add("Target '" + t + "' could not be read, so its copies were not counted."));
        for (DamagedFolder d : c.damagedFolders()) {
            if (!d.readable()) {
                reasons.add("The folder '" + d.path() + "' cannot be read back from any target; its files were not counted.");
            }
        }
        if (tally.suspected() > 0) {
            reasons.add(String.format(Locale.ROOT, "%,d file(s) changed in the source although their size and date did "
                    + "not: suspected bit rot.", tally.suspected()));
        }
        c.notes().forEach(n -> reasons.add("Note: " + n + "."));
        return reasons;
    }

    private static List<String> nextSteps(StatusReport status, LibraryTally tally, Map<String, Instant> lastReached,
                                          Instant now) {
        Set<String> steps = new LinkedHashSet<>();
        ComplianceReport c = status.compliance();
        for (TargetStatus t : status.targets()) {
            String name = t.spec().name();
            if (t.error().isPresent()) {
                String reach = t.spec().medium() == Medium.EXTERNAL_DISK ? "Plug in the USB disk of target '" + name + "'"
                        : "Make target '" + name + "' reachable";
                Instant seen = lastReached.get(name);
                steps.add(reach + (seen == null ? "" : " (last reached by the backup of "
                        + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                        .withZone(java.time.ZoneOffset.UTC).format(seen) + ")")
                        + "; now: " + t.error().get() + ". Then run: heirloom backup");
                continue;
            }
            if (t.latest().isEmpty()) {
                steps.add("Target '" + name + "' holds no backup yet: heirloom backup");
            }
            for (VerificationRecord v : t.verifications()) {
                if (v.bad() > 0) {
                    steps.add(String.format(Locale.ROOT, "Target '%s' lost or damaged %,d object(s) at its last %s "
                            + "verification: heirloom repair --target %s", name, v.bad(), v.level().label(), name));
                }
            }
            Optional<Instant> last = t.verifications().stream().map(VerificationRecord::time).max(Instant::compareTo);
            if (t.latest().isPresent() && (last.isEmpty() || last.get().isBefore(now.minus(VERIFY_DUE)))) {
                steps.add("Target '" + name + "' has not been verified " + (last.isEmpty() ? "yet"
                        : "for " + Duration.between(last.get(), now).toDays() + " days")
                        + ": heirloom verify --target " + name + " --level content");
            }
        }
        if (!c.unreachable().isEmpty()) {
            steps.add("Add the target(s) the policy needs (" + String.join("; ", c.unreachable())
                    + ") to the configuration, then run: heirloom backup");
        } else if (c.nonCompliantFiles() > tally.failedVerification() && status.targets().stream()
                .allMatch(t -> t.error().isEmpty())) {
            List<String> lacking = status.targets().stream().map(t -> t.spec().name()).filter(n -> tally.lacking(n) > 0)
                    .map(n -> String.format(Locale.ROOT, "%s lacks %,d", n, tally.lacking(n))).toList();
            steps.add(String.format(Locale.ROOT, "Copy the %,d file(s) short of the policy to every target (%s): heirloom backup",
                    c.nonCompliantFiles(), String.join(", ", lacking)));
        }
        if (tally.suspected() > 0) {
            steps.add("Look at the files suspected of bit rot (listed below); to get the last good version back: "
                    + "heirloom restore --path 'PATH' --to FOLDER");
        }
        return List.copyOf(steps);
    }
}
