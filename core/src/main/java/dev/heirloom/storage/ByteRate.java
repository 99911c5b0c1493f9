package dev.heirloom.storage;

import com.google.common.util.concurrent.RateLimiter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * One rate in bytes per second, shared by every stream it throttles. The limiter is made at the
 * first bytes, so a run does not start with a second's worth of burst saved up while it set up.
 */
final class ByteRate {
    private final double bytesPerSecond;
    private volatile RateLimiter limiter;

    ByteRate(long kibPerSecond) {
        this.bytesPerSecond = kibPerSecond * 1024.0;
    }

    /** Waits until {@code bytes} more may pass. */
    void take(int bytes) {
        if (bytes <= 0) {
            return;
        }
        RateLimiter l = limiter;
        if (l == null) {
            synchronized (this) {
                if (limiter == null) {
                    limiter = RateLimiter.create(bytesPerSecond);
                }
                l = limiter;
            }
        }
        l.acquire(bytes);
    }

    /** The stream, each byte read from it taken from this rate first. */
    InputStream throttle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    take(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // at most 64 KiB a time, so parallel streams share the rate evenly
                int n = super.read(b, off, Math.min(len, 64 * 1024));
                take(n);
                return n;
            }
        };
    }
}
