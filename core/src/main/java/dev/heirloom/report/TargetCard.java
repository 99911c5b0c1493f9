package dev.heirloom.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One target as the report shows it.
 *
 * @param name          its configured name
 * @param medium        its kind of medium ({@code internal}, {@code usb}, {@code nas}, {@code cloud}, ...)
 * @param site          {@code onsite} or {@code offsite}
 * @param encrypted     whether its data is encrypted before it leaves this machine
 * @param immutable     whether its objects are locked against deletion and overwriting
 * @param lastSnapshot  its latest snapshot of the source
 * @param verifications its last verification at each level that has run
 * @param error         why it could not be read, when it could not
 * @param counted       whether its copies count toward the policy (false when its verification is too old
 *                      or missing under a verification requirement, or when it could not be read)
 * @param lacking       files of the newest snapshot whose copy here does not count: missing, failed
 *                      verification, not verified recently enough, or not readable
 * @param history       its latest snapshots of the source, oldest first (at most {@link #HISTORY})
 * @param lastReached   for a target that cannot be read: when a backup last reached it, as the snapshots on the
 *                      other targets record (empty when none says, or when it can be read)
 */
public record TargetCard(String name, String medium, String site, boolean encrypted, boolean immutable,
                         Optional<SnapshotPoint> lastSnapshot, List<Verification> verifications,
                         Optional<String> error, boolean counted, long lacking, List<SnapshotPoint> history,
                         Optional<Instant> lastReached) {
    /** Most snapshots in {@link #history()}. */
    public static final int HISTORY = 12;

    /** Copies the collections, so the value never changes. */
    public TargetCard {
        verifications = List.copyOf(verifications);
        history = List.copyOf(history);
    }

    /**
     * A snapshot as a point of the target's history.
     *
     * @param id    its id
     * @param time  when its backup started
     * @param files files it holds
     * @param bytes their size
     */
    public record SnapshotPoint(String id, Instant time, long files, long bytes) {
    }

    /**
     * A target's last verification at one level.
     *
     * @param level          {@code present} or {@code content}
     * @param time           when it finished
     * @param samplePercent  share of the objects read
     * @param objectsChecked objects checked
     * @param bad            objects found missing or damaged
     */
    public record Verification(String level, Instant time, int samplePercent, long objectsChecked, long bad) {
    }
}
