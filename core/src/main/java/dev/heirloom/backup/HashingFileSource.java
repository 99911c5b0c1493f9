package dev.heirloom.backup;

import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * A file's content for exactly one read, which feeds a digest with every byte as the reader takes
 * it: what the digest saw is what the reader got. A second {@code open()} fails.
 */
final class HashingFileSource implements ContentSource {
    private final Path file;
    private final long size;
    private final MultiDigest digest;
    private final LongConsumer bytesRead;
    private final AtomicBoolean opened = new AtomicBoolean();

    HashingFileSource(Path file, long size, MultiDigest digest, LongConsumer bytesRead) {
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
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
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
                byte[] discard = new byte[(int) Math.min(n, 64 * 1024)];
                int got = read(discard, 0, discard.length);
                return Math.max(got, 0);
            }
        };
    }
}
