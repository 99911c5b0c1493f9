package dev.heirloom.storage;

import dev.heirloom.spi.StorageTarget;

/** Wraps a provider's target in core's standard decorators. */
public final class TargetDecorators {
    private TargetDecorators() {
    }

    /**
     * A concurrency limit and, unless the provider's own client retries, retries of transient
     * errors, so that retries never stack.
     */
    public static StorageTarget standard(StorageTarget target, RetryPolicy retries, String label) {
        return standard(target, retries, label, BandwidthLimits.NONE);
    }

    /**
     * As {@link #standard(StorageTarget, RetryPolicy, String)}, with the bandwidth limits that
     * apply to the target innermost, so that bytes a retry sends again count too.
     */
    public static StorageTarget standard(StorageTarget target, RetryPolicy retries, String label, BandwidthLimits bandwidth) {
        StorageTarget limited = new ConcurrencyLimitedTarget(bandwidth.limit(label, target));
        return target.capabilities().retriesInternally() ? limited : new RetryingTarget(limited, retries, label);
    }
}
