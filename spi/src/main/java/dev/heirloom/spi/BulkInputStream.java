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
