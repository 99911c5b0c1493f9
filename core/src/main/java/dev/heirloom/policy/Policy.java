package dev.heirloom.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How many copies a file must have: in total (the original counts as one), on how many distinct
 * kinds of medium, how many of them offsite, and for the 3-2-1-1-0 rule how many out of reach of a
 * mistake or ransomware (on an offline medium, or locked against deletion), and whether every
 * counted copy must have passed its last verification without an error.
 *
 * @param copies          copies in total, ≥ 1
 * @param media           distinct media, ≥ 1
 * @param offsite         offsite copies, ≥ 0
 * @param offlineOrLocked copies on an offline medium or locked against deletion (immutable), ≥ 0
 * @param zeroErrors      whether a target's copies count only when its last verification found no error
 *                        (a target never verified does not count)
 */
public record Policy(int copies, int media, int offsite, int offlineOrLocked, boolean zeroErrors) {
    /** Refuses a policy no set of copies could meet (fewer than one copy or medium, or a count above the copies). */
    public Policy {
        if (copies < 1 || media < 1 || offsite < 0 || offlineOrLocked < 0 || media > copies || offsite > copies
                || offlineOrLocked > copies) {
            throw new IllegalArgumentException("impossible policy: copies=" + copies + ", media=" + media
                    + ", offsite=" + offsite + ", offlineOrLocked=" + offlineOrLocked);
        }
    }

    /** A policy of copies, media and offsite copies alone. */
    public Policy(int copies, int media, int offsite) {
        this(copies, media, offsite, 0, false);
    }

    /** The 3-2-1 rule: three copies, two kinds of media, one offsite. */
    public static Policy threeTwoOne() {
        return new Policy(3, 2, 1);
    }

    /**
     * The 3-2-1-1-0 rule: 3-2-1, plus one copy offline or locked against deletion, and zero errors
     * in the last verification of every counted copy.
     */
    public static Policy threeTwoOneOneZero() {
        return new Policy(3, 2, 1, 1, true);
    }

    private static final java.util.regex.Pattern TEXT =
            java.util.regex.Pattern.compile("(\\d{1,3})-(\\d{1,3})-(\\d{1,3})(?:-(\\d{1,3})(-0)?)?");

    /**
     * Reads the written form: {@code 3-2-1}, {@code 3-2-1-1} (one copy offline or locked), or
     * {@code 3-2-1-1-0} (and zero verification errors).
     *
     * @throws IllegalArgumentException when the text is not one of these, or the counts are impossible
     */
    public static Policy parse(String text) {
        java.util.regex.Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("write copies-media-offsite (3-2-1), or 3-2-1-1-0 for one copy offline or "
                    + "locked and zero verification errors; not '" + text + "'");
        }
        return new Policy(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                m.group(4) == null ? 0 : Integer.parseInt(m.group(4)), m.group(5) != null);
    }

    /** Whether a file held at these places meets the policy's counts. */
    public boolean isMetBy(int copyCount, int distinctMedia, int offsiteCount, int offlineOrLockedCount) {
        return copyCount >= copies && distinctMedia >= media && offsiteCount >= offsite
                && offlineOrLockedCount >= offlineOrLocked;
    }

    /**
     * Why the given places can never comply, even when every copy succeeds; empty when they can.
     *
     * @param places the source first, then every target
     */
    public List<String> whyUnreachable(List<Placement> places) {
        List<String> reasons = new ArrayList<>();
        Set<Medium> kinds = new HashSet<>();
        long offsiteCount = 0;
        long offlineCount = 0;
        for (Placement p : places) {
            kinds.add(p.medium());
            if (p.site() == Site.OFFSITE) {
                offsiteCount++;
            }
            if (p.offlineOrLocked()) {
                offlineCount++;
            }
        }
        if (places.size() < copies) {
            reasons.add("only " + places.size() + " copies possible (source + " + (places.size() - 1)
                    + " targets); the policy needs " + copies + ": add " + (copies - places.size()) + " more target(s)");
        }
        if (kinds.size() < media) {
            reasons.add("only " + kinds.size() + " kind(s) of medium " + kinds.stream().map(Medium::label).sorted().toList()
                    + "; the policy needs " + media + ": add a target on another medium");
        }
        if (offsiteCount < offsite) {
            reasons.add(offsiteCount == 0 ? "no offsite target; the policy needs " + offsite + " offsite copy"
                    : "only " + offsiteCount + " offsite copies; the policy needs " + offsite);
        }
        if (offlineCount < offlineOrLocked) {
            reasons.add((offlineCount == 0 ? "no target is offline or locked against deletion"
                    : "only " + offlineCount + " target(s) offline or locked") + "; the policy needs " + offlineOrLocked
                    + ": mark a disk that is unplugged between backups 'offline: true', or lock a target's files "
                    + "with 'immutableDays: 30' where its store can (a GCS bucket with object retention)");
        }
        return reasons;
    }

    /** What the policy asks of each file, in words: "3 copies on 2 kinds of media, 1 offsite[, …]". */
    public String asks() {
        return copies + " copies on " + media + " kinds of media, " + offsite + " offsite"
                + (offlineOrLocked > 0 ? ", " + offlineOrLocked + " offline or locked" : "")
                + (zeroErrors ? ", and no error in the last verification of each copy" : "");
    }

    /** {@code 3-2-1}, or with the last two rules {@code 3-2-1-1-0}. */
    @Override
    public String toString() {
        String base = copies + "-" + media + "-" + offsite;
        return offlineOrLocked == 0 && !zeroErrors ? base : base + "-" + offlineOrLocked + (zeroErrors ? "-0" : "");
    }
}
