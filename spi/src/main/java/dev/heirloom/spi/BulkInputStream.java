package dev.heirloom.spi;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream made by its array read alone: the single-byte {@link #read()} reads through it,
 * so a subclass keeps one reading path (and whatever it checks or counts there) for every caller.
 */
public abstract class BulkInputStream extends InputStream {
    /** Reads one byte through {@link #read(byte[], int, int)}. */
    @Override
    public final int read() throws IOException {
        return readOne(this);
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;

    /**
     * Skips by reading: the skipped bytes go through {@code in}'s array read like any others (a stream
     * that hashes or counts what it gives sees them), where {@link InputStream#skip} might seek past.
     *
     * @return the bytes skipped, fewer than {@code n} only at the end of the stream
     */
    public static long skipByReading(InputStream in, long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
        long skipped = 0;
        while (skipped < n) {
            int got = in.read(discard, 0, (int) Math.min(discard.length, n - skipped));
            if (got < 0) {
                break;
            }
            skipped += got;
        }
        return skipped;
    }

    /**
     * Reads one byte of {@code in} through its array read: the single-byte read of a stream whose
     * array read is the one path (for a {@link java.io.FilterInputStream} that cannot extend this class).
     *
     * @return the byte, or -1 at the end of the stream
     */
    public static int readOne(InputStream in) throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = in.read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
