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
        StorageTarget limited = new ConcurrencyLimitedTarget(target);
        return target.capabilities().retriesInternally() ? limited : new RetryingTarget(limited, retries, label);
    }
}
