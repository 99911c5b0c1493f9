package dev.heirloom.plan;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a dry run: per target, what is missing and how many bytes would move, and
 * whether the configured targets can ever meet the policy.
 *
 * @param policy       the policy, e.g. {@code 3-2-1}
 * @param unreachable  reasons the targets can never comply (empty when they can)
 * @param files        files the source holds under the filter
 * @param bytes        their size
 * @param filesToRead  files that would be read (new or changed)
 * @param targets      per-target plans
 * @param notes        what the policy's labels do not show, for people: places on one file system
 */
public record CopyPlan(String policy, List<String> unreachable, long files, long bytes, long filesToRead,
                       List<TargetPlan> targets, List<String> notes) {
    /** Copies the collections, so the value never changes. */
    public CopyPlan {
        unreachable = List.copyOf(unreachable);
        targets = List.copyOf(targets);
        notes = List.copyOf(notes);
    }

    /** A human-readable summary, several lines. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Source: %d files, %s; %d new or changed%n", files, Sizes.human(bytes), filesToRead));
        for (TargetPlan t : targets) {
            if (t.unavailable().isPresent()) {
                sb.append(String.format(Locale.ROOT, "  %-12s UNAVAILABLE: %s%n", t.name(), t.unavailable().get()));
            } else {
                sb.append(String.format(Locale.ROOT, "  %-12s copy %d objects (%s), %d already there, %d folders to record%n",
                        t.name(), t.objectsToCopy(), Sizes.human(t.bytesToCopy()), t.objectsPresent(), t.treesToWrite()));
            }
        }
        if (unreachable.isEmpty()) {
            sb.append("Policy ").append(policy).append(": the targets can comply.").append(System.lineSeparator());
        } else {
            sb.append("Policy ").append(policy).append(" can NOT be met by these targets:").append(System.lineSeparator());
            unreachable.forEach(r -> sb.append("  - ").append(r).append(System.lineSeparator()));
        }
        notes.forEach(n -> sb.append("  note: ").append(n).append(System.lineSeparator()));
        return sb.toString();
    }
}
