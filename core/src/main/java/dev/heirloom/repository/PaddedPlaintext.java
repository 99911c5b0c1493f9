package dev.heirloom.repository;

import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.MultiDigest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The plaintext a padded encrypted repository (format version 3) encrypts for each file: the
 * content's length as 8 big-endian bytes, the content, then zero bytes up to the Padmé size of the
 * whole (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PETS 2019): a length whose highest set bit is bit E keeps only its top floor(log2 E) + 1
 * bits, rounded up. The padding costs at most 2^-(floor(log2 E) + 1) of the length: 12.5 % below
 * 256 bytes, 6.25 % up to 64 KiB, 3.1 % from there to 4 GiB; and each stored size stands for that
 * many content sizes, so a size no longer picks out a known file.
 */
final class PaddedPlaintext {
    /** The length field at the start. */
    static final int LENGTH_BYTES = 8;

    private PaddedPlaintext() {
    }

    /** The Padmé size of a length of at least 2 (smaller ones are their own), up to 2^60 (an exabyte). */
    static long padme(long length) {
        if (length > 1L << 60) {
            throw new IllegalArgumentException("no file is " + length + " bytes long");
        }
        if (length < 2) {
            return length;
        }
        int e = 63 - Long.numberOfLeadingZeros(length);
        int s = 32 - Integer.numberOfLeadingZeros(e);
        long mask = (1L << (e - s)) - 1;
        return (length + mask) & ~mask;
    }

    /** The size of the padded plaintext of content of this size. */
    static long size(long contentSize) {
        return padme(contentSize + LENGTH_BYTES);
    }

    /**
     * The padded plaintext of content read from {@code content}: exactly {@code size} bytes of it are
     * taken; fewer, or bytes that do not hash to {@code sha256} (when given), fail the read that
     * takes the content's last byte, before any padding is given.
     *
     * @param what how messages name the content
     */
    static InputStream pad(InputStream content, long size, String sha256, String what) {
        return new Padding(content, size, sha256, what);
    }

    /**
     * The content of a padded plaintext. Once the content's last byte is given, the padding is read
     * and checked (all zero, and as long as the content's size says), so that a reader who takes
     * exactly the content has still had the whole file authenticated.
     *
     * @param what how messages name the file
     */
    static Unpadding unpad(InputStream padded, String what) {
        return new Unpadding(padded, what);
    }

    private static final class Padding extends BulkInputStream {
        private final InputStream content;
        private final long size;
        private final long total;
        private final String sha256;
        private final String what;
        private final MultiDigest digest = MultiDigest.sha256Only();
        private final byte[] length = new byte[LENGTH_BYTES];
        private long position;

        Padding(InputStream content, long size, String sha256, String what) {
            this.content = content;
            this.size = size;
            this.total = size(size);
            this.sha256 = sha256;
            this.what = what;
            for (int i = 0; i < LENGTH_BYTES; i++) {
                length[i] = (byte) (size >>> (8 * (LENGTH_BYTES - 1 - i)));
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= total) {
                return -1;
            }
            int n;
            if (position < LENGTH_BYTES) {
                n = (int) Math.min(len, LENGTH_BYTES - position);
                System.arraycopy(length, (int) position, b, off, n);
            } else if (position < LENGTH_BYTES + size) {
                long done = position - LENGTH_BYTES;
                n = content.read(b, off, (int) Math.min(len, size - done));
                if (n < 0) {
                    throw new ChecksumMismatchException(what + " ended after " + done + " of " + size
                            + " bytes: it changed while it was read");
                }
                if (sha256 != null) { // null: a small file sealed from memory, nothing to check
                    digest.update(b, off, n);
                }
                if (done + n == size && sha256 != null) {
                    String actual = digest.finish().get(ChecksumAlgorithm.SHA256).orElseThrow();
                    if (!actual.equals(sha256)) {
                        throw new ChecksumMismatchException(what + " hashes to " + actual + ", not " + sha256
                                + ": it changed while it was read");
                    }
                }
            } else {
                n = (int) Math.min(len, total - position);
                Arrays.fill(b, off, off + n, (byte) 0);
            }
            position += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    /** The content of a padded plaintext; {@link #length()} reads only the length field. */
    static final class Unpadding extends BulkInputStream {
        private final InputStream padded;
        private final String what;
        private long length = -1;
        private long given;
        private boolean checked;

        Unpadding(InputStream padded, String what) {
            this.padded = padded;
            this.what = what;
        }

        /** The content's length, as the padded plaintext says. */
        long length() throws IOException {
            if (length < 0) {
                byte[] field = padded.readNBytes(LENGTH_BYTES);
                if (field.length < LENGTH_BYTES) {
                    throw damaged("it ends inside its length field");
                }
                long value = 0;
                for (byte b : field) {
                    value = (value << 8) | (b & 0xff);
                }
                if (value < 0) {
                    throw damaged("its length field is negative");
                }
                length = value;
            }
            return length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long left = length() - given;
            if (left == 0) {
                checkPadding();
                return -1;
            }
            int n = padded.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw damaged("it ends after " + given + " of " + length + " bytes");
            }
            given += n;
            if (given == length) {
                checkPadding();
            }
            return n;
        }

        /** Reads the rest: zero bytes, up to the padded size of the content's length, then the end. */
        private void checkPadding() throws IOException {
            if (checked) {
                return;
            }
            checked = true;
            long expected = size(length) - LENGTH_BYTES - length;
            byte[] buffer = new byte[8192];
            long seen = 0;
            int n;
            while ((n = padded.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != 0) {
                        throw damaged("its padding holds other bytes than zeros");
                    }
                }
                seen += n;
                if (seen > expected) {
                    break;
                }
            }
            if (seen != expected) {
                throw damaged("its padding has " + (seen > expected ? "more than " : "") + seen + " bytes instead of "
                        + expected);
            }
        }

        private ChecksumMismatchException damaged(String why) {
            return new ChecksumMismatchException(what + " is damaged: " + why);
        }

        @Override
        public void close() throws IOException {
            padded.close();
        }
    }
}
