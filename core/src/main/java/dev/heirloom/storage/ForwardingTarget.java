package dev.heirloom.storage;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * A target that hands every call to another, for decorators that change a few calls and must
 * pass on all the others (including any the SPI gains later: adding it here serves them all).
 */
public abstract class ForwardingTarget implements StorageTarget {
    private final StorageTarget delegate;

    /** Forwards every call to {@code delegate}. */
    protected ForwardingTarget(StorageTarget delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The target calls are handed to. */
    protected final StorageTarget delegate() {
        return delegate;
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        return delegate.read(key, offset, length);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        return delegate.write(key, content, options);
    }

    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        return delegate.stage(stageName, content);
    }

    @Override
    public Checksums hashOnServer(String key) {
        return delegate.hashOnServer(key);
    }

    @Override
    public ObjectInfo extendRetention(String key, Instant until) {
        return delegate.extendRetention(key, until);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public long removeInterruptedUploads() {
        return delegate.removeInterruptedUploads();
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        return delegate.list(prefix, pageToken, pageSize);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
