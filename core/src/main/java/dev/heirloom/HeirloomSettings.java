package dev.heirloom;

import dev.heirloom.backup.BackupEngine;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.retention.RetentionPolicy;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.verify.VerifyLevel;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Heirloom.Builder} collects: the source, the targets, the policy and the knobs, with
 * their defaults and checks. Setters return the builder itself.
 *
 * @param <B> the builder type
 */
abstract class HeirloomSettings<B extends HeirloomSettings<B>> {
    SourceSpec source;
    final Map<String, TargetSpec> targets = new LinkedHashMap<>();
    Policy policy = Policy.threeTwoOne();
    ProviderRegistry registry;
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    int threads = Math.max(4, Runtime.getRuntime().availableProcessors());
    long smallFileLimit = 16L << 20;
    int rehashPercent;
    int maxShrinkPercent = BackupEngine.DEFAULT_MAX_SHRINK_PERCENT;
    final java.util.List<String> restoreOrder = new java.util.ArrayList<>();
    dev.heirloom.storage.Bandwidth bandwidth = dev.heirloom.storage.Bandwidth.UNLIMITED;
    final Map<String, dev.heirloom.storage.Bandwidth> bandwidthPerTarget = new LinkedHashMap<>();
    final Map<String, dev.heirloom.repository.Encryption> encryption = new LinkedHashMap<>();
    final Map<String, dev.heirloom.repository.Immutability> immutability = new LinkedHashMap<>();
    final Map<String, RetentionPolicy> retention = new LinkedHashMap<>();
    VerifyLevel requiredLevel;
    Duration requiredAge;
    Clock clock = Clock.systemUTC();
    String host;

    HeirloomSettings() {
    }

    /** This builder, typed as itself. */
    abstract B self();

    /** The source folder on an internal disk at home, with a filter. */
    public B source(Path root, MediaFilter filter) {
        return source(new SourceSpec(root, filter, Medium.INTERNAL_DISK, Site.ONSITE, null, false));
    }

    public B source(SourceSpec spec) {
        this.source = Objects.requireNonNull(spec, "spec");
        return self();
    }

    /** Adds a target without options. */
    public B target(String name, URI uri, Medium medium, Site site) {
        return target(new TargetSpec(name, uri, medium, site, Map.of()));
    }

    public B target(TargetSpec spec) {
        if (targets.putIfAbsent(spec.name(), spec) != null) {
            throw new InvalidConfigException("two targets named '" + spec.name() + "'");
        }
        return self();
    }

    /** The policy to check; default 3-2-1. */
    public B policy(Policy value) {
        this.policy = Objects.requireNonNull(value, "policy");
        return self();
    }

    /** Providers to use; default: those found by {@link java.util.ServiceLoader}. */
    public B registry(ProviderRegistry value) {
        this.registry = value;
        return self();
    }

    /** Retries of transient target errors; default {@link RetryPolicy#defaults()}. */
    public B retryPolicy(RetryPolicy value) {
        this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
        return self();
    }

    /** Files processed at once; default max(4, processors). */
    public B threads(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = value;
        return self();
    }

    /** Files up to this size are read once into memory and fed to every target; 0 to 1 GiB, default 16 MiB. */
    public B smallFileLimit(long bytes) {
        if (bytes < 0 || bytes > BackupEngine.MAX_SMALL_FILE_LIMIT) {
            throw new IllegalArgumentException("the small-file limit must be from 0 to 1 GiB");
        }
        this.smallFileLimit = bytes;
        return self();
    }

    /** Share of unchanged-looking files read again on every backup to catch bit rot (0-100, default 0). */
    public B rehashPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("rehash share must be from 0 to 100 percent");
        }
        this.rehashPercent = percent;
        return self();
    }

    /**
     * The largest share of the files of the last snapshot a backup may lose and still write its
     * snapshot (0-100, default 50; 100 allows anything, an empty source included). A backup of a
     * source that holds no file, or lost more, writes no snapshot and says why in
     * {@link BackupReport#refused()}: an unmounted photo drive leaves an empty mount point, and
     * a snapshot of it would let retention forget the real ones.
     */
    public B maxShrinkPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("the largest shrink must be from 0 to 100 percent");
        }
        this.maxShrinkPercent = percent;
        return self();
    }

    /**
     * Limits the bytes all targets together send and receive per second (one uplink shared by
     * every connection); {@link dev.heirloom.storage.Bandwidth#UNLIMITED} by default.
     */
    public B bandwidth(dev.heirloom.storage.Bandwidth limits) {
        this.bandwidth = Objects.requireNonNull(limits, "limits");
        return self();
    }

    /** The run-wide limit set so far. */
    public dev.heirloom.storage.Bandwidth runBandwidth() {
        return bandwidth;
    }

    /**
     * How a target's repository is encrypted: a new repository is created encrypted with a
     * passphrase or key file, and an encrypted one opens only with one of its secrets. Targets not
     * named here are {@link dev.heirloom.repository.Encryption#unspecified() unspecified}: a new
     * repository is plain, and plans and status warn when such a target is offsite.
     */
    public B encryption(String target, dev.heirloom.repository.Encryption value) {
        encryption.put(Objects.requireNonNull(target, "target"), Objects.requireNonNull(value, "value"));
        return self();
    }

    /**
     * Locks a target's repository files for {@code days} as they are written, where its store can
     * lock objects (a GCS bucket with object retention enabled): for that long nobody can delete or
     * overwrite them, whatever their credentials. A lock extension ({@link Heirloom#extendLocks})
     * keeps what the kept snapshots need locked. Status calls a target immutable only once an
     * extension has checked every needed file.
     *
     * @throws IllegalArgumentException when {@code days} is not from 1 to {@link dev.heirloom.repository.Immutability#MAX_DAYS}
     */
    public B immutableDays(String target, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("immutableDays must be at least 1, not " + days);
        }
        immutability.put(Objects.requireNonNull(target, "target"), new dev.heirloom.repository.Immutability(days));
        return self();
    }

    /** Limits one target's transfers, on top of the run-wide limit. */
    public B bandwidth(String target, dev.heirloom.storage.Bandwidth limits) {
        bandwidthPerTarget.put(Objects.requireNonNull(target, "target"), Objects.requireNonNull(limits, "limits"));
        return self();
    }

    /**
     * The targets a restore without a named target reads first, in this order; the others follow
     * as configured, onsite ones before offsite ones (local disks are fastest and cost nothing).
     *
     * @param names configured target names
     */
    public B restoreOrder(java.util.List<String> names) {
        restoreOrder.clear();
        restoreOrder.addAll(names);
        return self();
    }

    /**
     * Counts a target's copies toward the policy only when the target passed a verification at
     * this level or above within {@code maxAge}; objects a verification found bad never count.
     * Without this, a copy counts when the target's latest snapshot holds it.
     */
    public B requireVerified(VerifyLevel level, Duration maxAge) {
        this.requiredLevel = Objects.requireNonNull(level, "level");
        this.requiredAge = Objects.requireNonNull(maxAge, "maxAge");
        return self();
    }

    /** The retention policy {@link Heirloom#forget} applies on one target. */
    public B retention(String target, RetentionPolicy policy) {
        retention.put(Objects.requireNonNull(target, "target"), Objects.requireNonNull(policy, "policy"));
        return self();
    }

    public B clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return self();
    }

    /** Host name recorded in snapshots; default the local host name. */
    public B host(String value) {
        this.host = value;
        return self();
    }
}
