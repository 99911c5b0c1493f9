package dev.heirloom.backup;

import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.DigestingInputStream;
import dev.heirloom.spi.MultiDigest;

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
        return new DigestingInputStream(Files.newInputStream(file), digest) {
            @Override
            protected void afterRead(int n) {
                if (n > 0) {
                    bytesRead.accept(n);
                }
            }
        };
    }
}
