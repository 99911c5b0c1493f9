package dev.heirloom.repository;

import dev.heirloom.spi.BulkInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A stream delivered one segment at a time: what the encrypting and decrypting streams share. */
abstract class SegmentStream extends BulkInputStream {
    private ByteBuffer current = ByteBuffer.allocate(0);

    /** The next segment's bytes (the buffer is read from its position to its limit), or null at the end. */
    abstract ByteBuffer nextSegment() throws IOException;

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            ByteBuffer next = nextSegment();
            if (next == null) {
                return -1;
            }
            current = next;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }
}
