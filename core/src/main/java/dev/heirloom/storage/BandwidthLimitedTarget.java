package dev.heirloom.storage;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Holds the bytes a target sends and receives to rates shared by all its calls: content handed
 * to {@code write} and {@code stage} is read no faster than the upload rates allow, streams from
 * {@code read} deliver no faster than the download rates. Several rates apply together (a
 * target's own and the run's), so the slowest one decides. Metadata calls pass unthrottled.
 */
final class BandwidthLimitedTarget extends ForwardingTarget {
    private final List<ByteRate> upload;
    private final List<ByteRate> download;

    BandwidthLimitedTarget(StorageTarget delegate, List<ByteRate> upload, List<ByteRate> download) {
        super(delegate);
        this.upload = List.copyOf(upload);
        this.download = List.copyOf(download);
    }

    private static InputStream throttled(InputStream in, List<ByteRate> rates) {
        InputStream s = in;
        for (ByteRate r : rates) {
            s = r.throttle(s);
        }
        return s;
    }

    private ContentSource throttled(ContentSource content) {
        if (upload.isEmpty()) {
            return content;
        }
        return new ContentSource() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public InputStream open() throws IOException {
                return throttled(content.open(), upload);
            }

            @Override
            public Checksums knownChecksums() {
                return content.knownChecksums();
            }

            @Override
            public java.util.Optional<String> identity() {
                return content.identity();
            }
        };
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        InputStream in = delegate().read(key, offset, length);
        return download.isEmpty() ? in : throttled(in, download);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        return delegate().write(key, throttled(content), options);
    }

    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        return delegate().stage(stageName, throttled(content));
    }
}
