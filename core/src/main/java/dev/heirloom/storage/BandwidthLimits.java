package dev.heirloom.storage;

import dev.heirloom.spi.StorageTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bandwidth limits of one {@code Heirloom}: a run-wide one shared by all targets (the same
 * uplink) and each target's own; both hold where both are set.
 */
public final class BandwidthLimits {
    /** No limits. */
    public static final BandwidthLimits NONE = new BandwidthLimits(Bandwidth.UNLIMITED, Map.of());

    private final List<ByteRate> runUpload = new ArrayList<>();
    private final List<ByteRate> runDownload = new ArrayList<>();
    private final Map<String, Bandwidth> perTarget;

    /**
     * @param run       shared by every target
     * @param perTarget each target's own, by target name
     */
    public BandwidthLimits(Bandwidth run, Map<String, Bandwidth> perTarget) {
        if (run.uploadKiBps() > 0) {
            runUpload.add(new ByteRate(run.uploadKiBps()));
        }
        if (run.downloadKiBps() > 0) {
            runDownload.add(new ByteRate(run.downloadKiBps()));
        }
        this.perTarget = Map.copyOf(perTarget);
    }

    /** The target, its transfers held to the run's limits and its own; itself when there are none. Call once per target. */
    StorageTarget limit(String target, StorageTarget t) {
        List<ByteRate> up = new ArrayList<>(runUpload);
        List<ByteRate> down = new ArrayList<>(runDownload);
        Bandwidth own = perTarget.getOrDefault(target, Bandwidth.UNLIMITED);
        if (own.uploadKiBps() > 0) {
            up.add(new ByteRate(own.uploadKiBps()));
        }
        if (own.downloadKiBps() > 0) {
            down.add(new ByteRate(own.downloadKiBps()));
        }
        return up.isEmpty() && down.isEmpty() ? t : new BandwidthLimitedTarget(t, up, down);
    }
}
