package dev.heirloom.storage;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Keeps at most {@link Capabilities#maxConcurrency()} calls in flight on the target. A read holds
 * its permit only while the stream is being opened.
 */
public final class ConcurrencyLimitedTarget implements StorageTarget {
    private final StorageTarget delegate;
    private final Semaphore permits;

    /** Limits calls to {@code delegate} to its declared {@code maxConcurrency}. */
    public ConcurrencyLimitedTarget(StorageTarget delegate) {
        this.delegate = delegate;
        this.permits = new Semaphore(delegate.capabilities().maxConcurrency(), true);
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return limited(() -> delegate.stat(key));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        return limited(() -> delegate.read(key, offset, length));
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        return limited(() -> delegate.write(key, content, options));
    }

    /** Holds a permit while staging and again while publishing or discarding. */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        StagedObject staged = limited(() -> delegate.stage(stageName, content));
        return new StagedObject() {
            @Override
            public long size() {
                return staged.size();
            }

            @Override
            public ObjectInfo publish(String key, WriteOptions options) {
                return limited(() -> staged.publish(key, options));
            }

            @Override
            public void close() {
                permits.acquireUninterruptibly();
                try {
                    staged.close();
                } finally {
                    permits.release();
                }
            }
        };
    }

    @Override
    public Checksums hashOnServer(String key) {
        return limited(() -> delegate.hashOnServer(key));
    }

    @Override
    public ObjectInfo extendRetention(String key, Instant until) {
        return limited(() -> delegate.extendRetention(key, until));
    }

    @Override
    public void flush() {
        limited(() -> {
            delegate.flush();
            return null;
        });
    }

    @Override
    public long removeInterruptedUploads() {
        return limited(delegate::removeInterruptedUploads);
    }

    @Override
    public void delete(String key) {
        limited(() -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        return limited(() -> delegate.list(prefix, pageToken, pageSize));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T limited(Supplier<T> call) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a connection slot", e);
        }
        try {
            return call.get();
        } finally {
            permits.release();
        }
    }
}
