package dev.heirloom.spi;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that passes every byte it gives through a {@link MultiDigest}, skipped bytes included
 * (they are read, not skipped). Subclasses learn of each read's result through {@link #afterRead},
 * to act at the end (n = -1) or on a byte count. Not thread-safe, as streams are not.
 */
public class DigestingInputStream extends FilterInputStream {
    private final MultiDigest digest;

    /** Digests what {@code in} gives into {@code digest}. */
    public DigestingInputStream(InputStream in, MultiDigest digest) {
        super(in);
        this.digest = java.util.Objects.requireNonNull(digest, "digest");
    }

    /** The digest fed so far; finish it only once the stream's end was seen. */
    public final MultiDigest digest() {
        return digest;
    }

    @Override
    public final int read() throws IOException {
        return BulkInputStream.readOne(this);
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
        }
        afterRead(n);
        return n;
    }

    @Override
    public final long skip(long n) throws IOException {
        return BulkInputStream.skipByReading(this, n);
    }

    /** Marking would let bytes be digested twice. */
    @Override
    public final boolean markSupported() {
        return false;
    }

    /**
     * Called after each read with the count it returned (-1 at the end of the stream); nothing by
     * default.
     *
     * @throws IOException to fail the read (a digest that turns out wrong at the end, say)
     */
    protected void afterRead(int n) throws IOException {
    }
}
