package dev.heirloom.spi;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * At most a given number of bytes of a stream, then its end: for a provider's ranged
 * {@link StorageTarget#read}, where the underlying stream may run on to the end of the object.
 * Closing it closes the stream; a subclass may add to that (what else was opened for the read).
 */
public class LimitedInputStream extends FilterInputStream {
    private long left;

    /** @param limit the most bytes it gives, at least 0 */
    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.left = limit;
    }

    /** Bytes it may still give. */
    protected final long remaining() {
        return left;
    }

    @Override
    public int read() throws IOException {
        return BulkInputStream.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
            left -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, left));
        left -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), left);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
