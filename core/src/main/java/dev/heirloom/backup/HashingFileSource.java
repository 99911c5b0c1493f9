package dev.heirloom.backup;

import dev.heirloom.repository.PrefixHashes;
import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ContentSource;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * A file's content for exactly one read, which feeds a digest (through the recorder of its prefix
 * hashes) with every byte as the reader takes it: what the digest saw is what the reader got. A
 * second {@code open()} fails.
 */
final class HashingFileSource implements ContentSource {
    private final Path file;
    private final long size;
    private final PrefixHashes.Recorder digest;
    private final LongConsumer bytesRead;
    private final AtomicBoolean opened = new AtomicBoolean();

    HashingFileSource(Path file, long size, PrefixHashes.Recorder digest, LongConsumer bytesRead) {
        this.file = file;
        this.size = size;
        this.digest = digest;
        this.bytesRead = bytesRead;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        if (!opened.compareAndSet(false, true)) {
            throw new IOException("this content is read once and cannot be read again");
        }
        return new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public int read() throws IOException {
                return BulkInputStream.readOne(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    digest.update(b, off, n);
                    bytesRead.accept(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return BulkInputStream.skipByReading(this, n); // every byte is hashed, skipped ones too
            }

            @Override
            public boolean markSupported() {
                return false; // a reset would hash bytes twice
            }
        };
    }
}
