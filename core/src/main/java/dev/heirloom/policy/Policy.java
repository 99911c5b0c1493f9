package dev.heirloom.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How many copies a file must have: in total (the original counts as one), on how many distinct
 * kinds of medium, and how many of them offsite.
 *
 * @param copies  copies in total, ≥ 1
 * @param media   distinct media, ≥ 1
 * @param offsite offsite copies, ≥ 0
 */
public record Policy(int copies, int media, int offsite) {
    public Policy {
        if (copies < 1 || media < 1 || offsite < 0 || media > copies || offsite > copies) {
            throw new IllegalArgumentException("impossible policy: copies=" + copies + ", media=" + media
                    + ", offsite=" + offsite);
        }
    }

    /** The 3-2-1 rule: three copies, two kinds of media, one offsite. */
    public static Policy threeTwoOne() {
        return new Policy(3, 2, 1);
    }

    /** Whether a file held at these places meets the policy. */
    public boolean isMetBy(int copyCount, int distinctMedia, int offsiteCount) {
        return copyCount >= copies && distinctMedia >= media && offsiteCount >= offsite;
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
        for (Placement p : places) {
            kinds.add(p.medium());
            if (p.site() == Site.OFFSITE) {
                offsiteCount++;
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
        return reasons;
    }

    @Override
    public String toString() {
        return copies + "-" + media + "-" + offsite;
    }
}
