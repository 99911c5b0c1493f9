package dev.heirloom.storage;

import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries calls that fail with a {@linkplain StorageException#isTransient() transient} error,
 * with exponential backoff. A retried if-absent write that finds an object of the same size and
 * agreeing checksums treats it as its own earlier try that landed. A read whose stream fails midway
 * (an I/O error or a transient storage error) is opened again after the bytes already delivered,
 * within the same number of tries, so a dropped connection while reading a tree or a video is
 * not an error. It goes on with whatever the key holds then: the same bytes for content objects,
 * trees and snapshots (they never change once written); a small state file replaced in between
 * could come back mixed, and then fails to parse rather than being taken for good.
 */
public final class RetryingTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingTarget.class);

    /** Waits between tries; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code millis} milliseconds. */
        void sleep(long millis) throws InterruptedException;
    }

    private final StorageTarget delegate;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final String label;

    /** Retries {@code delegate}'s transient failures by {@code policy}, waiting with {@code sleeper}; {@code label} names it in logs. */
    public RetryingTarget(StorageTarget delegate, RetryPolicy policy, String label, Sleeper sleeper) {
        this.delegate = delegate;
        this.policy = policy;
        this.label = label;
        this.sleeper = sleeper;
    }

    /** As the four-argument constructor, waiting with {@link Thread#sleep(long)}. */
    public RetryingTarget(StorageTarget delegate, RetryPolicy policy, String label) {
        this(delegate, policy, label, Thread::sleep);
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return retry("stat " + key, () -> delegate.stat(key));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        return new ResumingStream(key, offset, length, retry("read " + key, () -> delegate.read(key, offset, length)));
    }

    /** A read that reopens the object after what it delivered when the stream fails midway. */
    private final class ResumingStream extends BulkInputStream {
        private final String key;
        private final long offset;
        private final long length;
        private InputStream in;
        private long delivered;
        private int failures;

        ResumingStream(String key, long offset, long length, InputStream first) {
            this.key = key;
            this.offset = offset;
            this.length = length;
            this.in = first;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                try {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        delivered += n;
                    }
                    return n;
                } catch (IOException | StorageException e) {
                    if (e instanceof StorageException se && !se.isTransient()) {
                        throw se;
                    }
                    reopen(e);
                }
            }
        }

        private void reopen(Exception cause) throws IOException {
            failures++;
            if (failures >= policy.maxAttempts()) {
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw (StorageException) cause;
            }
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // the broken stream is dropped either way
            }
            LOG.info("{}: read of {} broke after {} bytes ({}), reading on: try {} of {}", label, key, delivered,
                    cause.getMessage(), failures + 1, policy.maxAttempts());
            pause(failures, cause);
            long rest = length < 0 ? -1 : length - delivered;
            in = rest == 0 ? InputStream.nullInputStream()
                    : retry("read " + key, () -> delegate.read(key, offset + delivered, rest));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The wait after the given failed try: drawn from half the policy's bound up to the bound. */
    private long delayAfter(int attempt) {
        long bound = policy.delayBound(attempt).toMillis();
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound / 2, bound + 1);
    }

    private void pause(int attempt, Exception cause) throws IOException {
        try {
            sleeper.sleep(delayAfter(attempt));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while retrying after: " + cause.getMessage());
        }
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        int[] attempt = {0};
        return retry("write " + key, () -> {
            attempt[0]++;
            try {
                return delegate.write(key, content, options);
            } catch (ObjectExistsException e) {
                return earlierTry(key, content.size(), options, attempt[0], e);
            }
        });
    }

    /** A retried if-absent write that finds the object its earlier try stored succeeded. */
    private ObjectInfo earlierTry(String key, long size, WriteOptions options, int attempt, ObjectExistsException e) {
        if (attempt > 1 && options.ifAbsent()) {
            Optional<ObjectInfo> there = delegate.stat(key);
            if (there.isPresent() && there.get().matches(size, options.expected())) {
                LOG.debug("{}: retried write of {} found the earlier try's object", label, key);
                return there.get();
            }
        }
        throw e;
    }

    /**
     * Stages without retrying (the content is read once and cannot be read again here); a failed
     * stage is the caller's to fall back from. Publishing is retried like a write.
     */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        StagedObject staged = delegate.stage(stageName, content);
        return new StagedObject() {
            @Override
            public long size() {
                return staged.size();
            }

            @Override
            public ObjectInfo publish(String key, WriteOptions options) {
                int[] attempt = {0};
                return retry("publish " + key, () -> {
                    attempt[0]++;
                    try {
                        return staged.publish(key, options);
                    } catch (ObjectExistsException e) {
                        return earlierTry(key, staged.size(), options, attempt[0], e);
                    }
                });
            }

            @Override
            public void close() {
                staged.close();
            }
        };
    }

    @Override
    public Checksums hashOnServer(String key) {
        return retry("hash " + key, () -> delegate.hashOnServer(key));
    }

    @Override
    public ObjectInfo extendRetention(String key, Instant until) {
        return retry("extend the lock of " + key, () -> delegate.extendRetention(key, until));
    }

    @Override
    public void flush() {
        retry("flush", () -> {
            delegate.flush();
            return null;
        });
    }

    @Override
    public long removeInterruptedUploads() {
        return retry("remove interrupted uploads", delegate::removeInterruptedUploads);
    }

    @Override
    public void delete(String key) {
        retry("delete " + key, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        return retry("list " + prefix, () -> delegate.list(prefix, pageToken, pageSize));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T retry(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (StorageException e) {
                if (!e.isTransient() || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                long delay = delayAfter(attempt);
                LOG.info("{}: {} failed ({}), try {} of {} in {} ms", label, what, e.getMessage(), attempt + 1,
                        policy.maxAttempts(), delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
