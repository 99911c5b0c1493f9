package dev.heirloom.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How core retries transient target errors: exponential backoff with jitter. The delay after the
 * n-th failed try is drawn uniformly from half of {@link #delayBound(int)} up to the bound ("equal
 * jitter": never less than half the backoff, so tries stay spread out).
 *
 * @param maxAttempts  tries in all, ≥ 1
 * @param initialDelay delay bound before the second try
 * @param maxDelay     largest delay bound
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    /** Requires the delays and at least one attempt. */
    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Five tries, from 0.5 s up to 30 s apart. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** A single try. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** Upper bound of the delay after the given failed attempt (1-based). */
    public Duration delayBound(int attempt) {
        long base = initialDelay.toMillis();
        long bound = attempt >= 31 ? Long.MAX_VALUE : base << Math.max(0, attempt - 1);
        return Duration.ofMillis(Math.min(bound < 0 ? Long.MAX_VALUE : bound, maxDelay.toMillis()));
    }
}
