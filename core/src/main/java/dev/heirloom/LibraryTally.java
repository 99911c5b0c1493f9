package dev.heirloom;

import dev.heirloom.compliance.ComplianceChecker;
import dev.heirloom.policy.FileCompliance;
import dev.heirloom.policy.Policy;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.report.AtRiskFile;
import dev.heirloom.report.MonthCoverage;
import dev.heirloom.report.PhotoReport;
import dev.heirloom.source.CaptureDates;
import dev.heirloom.source.MediaGroup;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up the files of a snapshot as the compliance walk counts them: photos and videos per
 * capture month with their fewest copies, and the files at risk (the first
 * {@link PhotoReport#LISTED_AT_RISK}, photos and videos before other files). Memory grows with the
 * months of the library, not its files.
 */
final class LibraryTally implements ComplianceChecker.FileTally {
    private static final String PHOTO = MediaGroup.PHOTOS.mediaType();
    private static final String VIDEO = MediaGroup.VIDEOS.mediaType();

    /** One month's figures as they are added up. */
    private static final class Month {
        long photos;
        long videos;
        int fewest = Integer.MAX_VALUE;
        int most;
        long shortOfPolicy;
        long datedByFileTime;
    }

    private final Policy policy;
    private final List<String> targets;
    private final long[] lacking;
    private final Map<String, Month> months = new TreeMap<>();
    private final List<AtRiskFile> mediaAtRisk = new ArrayList<>();
    private final List<AtRiskFile> othersAtRisk = new ArrayList<>();
    private long files;
    private long photos;
    private long videos;
    private long datedByFileTime;
    private long atRisk;
    private long suspected;
    private long failedVerification;

    /** @param targets the configured targets' names */
    LibraryTally(Policy policy, List<String> targets) {
        this.policy = policy;
        this.targets = List.copyOf(targets);
        this.lacking = new long[targets.size()];
    }

    @Override
    public void counted(TreeEntry entry, FileCompliance file, boolean met) {
        files++;
        for (int i = 0; i < lacking.length; i++) {
            lacking[i] += file.heldBy().contains(targets.get(i)) ? 0 : 1;
        }
        String media = entry.media() == null ? "other" : entry.media();
        boolean dated = PHOTO.equals(media) || VIDEO.equals(media);
        boolean byFileTime = CaptureDates.month(entry.captured()) == null;
        String captured = byFileTime ? entry.mtime().atOffset(ZoneOffset.UTC).toLocalDateTime().toString() : entry.captured();
        if (dated) {
            Month m = months.computeIfAbsent(captured.substring(0, 7), k -> new Month());
            if (PHOTO.equals(media)) {
                photos++;
                m.photos++;
            } else {
                videos++;
                m.videos++;
            }
            m.fewest = Math.min(m.fewest, file.copies());
            m.most = Math.max(m.most, file.copies());
            m.shortOfPolicy += met ? 0 : 1;
            m.datedByFileTime += byFileTime ? 1 : 0;
            datedByFileTime += byFileTime ? 1 : 0;
        }
        List<String> reasons = reasons(entry, file, met);
        if (reasons.isEmpty()) {
            return;
        }
        atRisk++;
        List<AtRiskFile> list = dated ? mediaAtRisk : othersAtRisk;
        if (list.size() < PhotoReport.LISTED_AT_RISK) {
            list.add(new AtRiskFile(file.path(), media, captured, file.copies(), file.heldBy(), reasons));
        }
    }

    private List<String> reasons(TreeEntry entry, FileCompliance file, boolean met) {
        List<String> reasons = new ArrayList<>();
        if (!met) {
            if (file.copies() < policy.copies()) {
                reasons.add(String.format(Locale.ROOT, "%d %s, the policy asks for %d", file.copies(),
                        file.copies() == 1 ? "copy" : "copies", policy.copies()));
            }
            if (file.media() < policy.media()) {
                reasons.add(String.format(Locale.ROOT, "on %d kind(s) of medium, the policy asks for %d", file.media(),
                        policy.media()));
            }
            if (file.offsite() < policy.offsite()) {
                reasons.add(String.format(Locale.ROOT, "%d offsite, the policy asks for %d", file.offsite(),
                        policy.offsite()));
            }
            if (file.offlineOrLocked() < policy.offlineOrLocked()) {
                reasons.add(String.format(Locale.ROOT, "%d offline or locked, the policy asks for %d",
                        file.offlineOrLocked(), policy.offlineOrLocked()));
            }
        }
        boolean failed = false;
        for (String why : file.notCounted()) {
            if (why.contains("failed verification")) {
                failed = true;
                reasons.add("not counted on " + why);
            } else if (!met) {
                reasons.add("not counted on " + why);
            }
        }
        failedVerification += failed ? 1 : 0;
        if (entry.suspect() != null) {
            suspected++;
            reasons.add("suspected bit rot: its content changed although its size and date did not (the snapshot keeps "
                    + "the last good version)");
        }
        return reasons;
    }

    /** Files of the snapshot whose copy on the target does not count (missing there, damaged, or not verified). */
    long lacking(String target) {
        int i = targets.indexOf(target);
        return i < 0 ? 0 : lacking[i];
    }

    long files() {
        return files;
    }

    long photos() {
        return photos;
    }

    long videos() {
        return videos;
    }

    long datedByFileTime() {
        return datedByFileTime;
    }

    long atRiskTotal() {
        return atRisk;
    }

    long suspected() {
        return suspected;
    }

    long failedVerification() {
        return failedVerification;
    }

    /** Photos and videos at risk first, then other files, at most {@link PhotoReport#LISTED_AT_RISK}. */
    List<AtRiskFile> atRisk() {
        List<AtRiskFile> all = new ArrayList<>(mediaAtRisk);
        othersAtRisk.stream().limit(Math.max(0, PhotoReport.LISTED_AT_RISK - all.size())).forEach(all::add);
        return all;
    }

    List<MonthCoverage> months() {
        List<MonthCoverage> out = new ArrayList<>();
        months.forEach((key, m) -> out.add(new MonthCoverage(key, m.photos, m.videos, m.fewest, m.most, m.shortOfPolicy,
                m.datedByFileTime)));
        return out;
    }
}
