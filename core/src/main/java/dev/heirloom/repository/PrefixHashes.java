package dev.heirloom.repository;

import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.MultiDigest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a first read of a file committed to, block by block: the SHA-256 of each whole
 * {@value #BLOCK}-byte prefix of its content (the running digest's value at each block's end, so it
 * costs next to nothing beside the file's own SHA-256). A second read checked against them
 * ({@link #verifying}) gives out no byte of a block before the block is proven the same as in the
 * first read. That lets an encrypted repository encrypt a large file the same way on every try
 * (and so resume an upload) without ever encrypting two different blocks under one nonce: a file
 * that changed between the reads fails at the first changed block, before it is encrypted.
 * Immutable.
 */
public final class PrefixHashes {
    /** Bytes per block. */
    public static final int BLOCK = 1 << 20;
    private static final int HASH = 32;

    private final long size;
    private final byte[] hashes;
    private final String sha256;

    private PrefixHashes(long size, byte[] hashes, String sha256) {
        this.size = size;
        this.hashes = hashes;
        this.sha256 = sha256;
    }

    /** The size of the content these commit to. */
    public long size() {
        return size;
    }

    /** The SHA-256 (hex) of the whole content. */
    public String sha256() {
        return sha256;
    }

    /**
     * Records the prefix hashes of content while it is hashed: every byte fed to {@link #update}
     * goes to the given digest, split at block ends. Not thread-safe.
     */
    public static final class Recorder {
        private final MultiDigest digest;
        private byte[] hashes = new byte[HASH * 16];
        private int count;

        /** @param digest the digest (computing SHA-256) that the content's checksums come from; fed only through this */
        public Recorder(MultiDigest digest) {
            this.digest = digest;
        }

        /** Feeds bytes to the digest, recording the SHA-256 at each block end they cross. */
        public void update(byte[] bytes, int offset, int length) {
            while (length > 0) {
                int room = (int) (BLOCK - digest.length() % BLOCK);
                int n = Math.min(room, length);
                digest.update(bytes, offset, n);
                offset += n;
                length -= n;
                if (n == room) {
                    if ((count + 1) * HASH > hashes.length) {
                        hashes = Arrays.copyOf(hashes, hashes.length * 2);
                    }
                    System.arraycopy(digest.sha256SoFar(), 0, hashes, count * HASH, HASH);
                    count++;
                }
            }
        }

        /** The prefix hashes of everything fed, whose whole SHA-256 is {@code sha256} (the digest's result). */
        public PrefixHashes finish(String sha256) {
            return new PrefixHashes(digest.length(), Arrays.copyOf(hashes, count * HASH), sha256);
        }
    }

    /**
     * A stream of exactly {@link #size()} bytes of {@code content} that gives out each block only
     * after its prefix hash (the last, partial block: the whole SHA-256) matched the first read's.
     * A block that does not, or content that ends early, is a {@link ChecksumMismatchException}
     * ("it changed while it was read") before any byte of that block is given.
     *
     * @param what how messages name the content
     */
    public InputStream verifying(InputStream content, String what) {
        return new Verifying(content, what);
    }

    private final class Verifying extends BulkInputStream {
        private final InputStream content;
        private final String what;
        private final MultiDigest digest = MultiDigest.sha256Only();
        private final byte[] block;
        private int blockLength;
        private int given;
        private int blocksChecked;

        Verifying(InputStream content, String what) {
            this.content = content;
            this.what = what;
            this.block = new byte[(int) Math.min(BLOCK, Math.max(1, size))];
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (given == blockLength && !nextBlock()) {
                return -1;
            }
            int n = Math.min(len, blockLength - given);
            System.arraycopy(block, given, b, off, n);
            given += n;
            return n;
        }

        /** Reads and checks the next block; false at the end of the content. */
        private boolean nextBlock() throws IOException {
            long done = digest.length();
            if (done == size) {
                return false;
            }
            int want = (int) Math.min(BLOCK, size - done);
            int got = content.readNBytes(block, 0, want);
            if (got < want) {
                throw new ChecksumMismatchException(what + " ended after " + (done + got) + " of " + size
                        + " bytes: it changed while it was read");
            }
            digest.update(block, 0, got);
            boolean last = digest.length() == size;
            byte[] expected = last ? HexFormat.of().parseHex(sha256)
                    : (blocksChecked + 1) * HASH <= hashes.length
                    ? Arrays.copyOfRange(hashes, blocksChecked * HASH, (blocksChecked + 1) * HASH) : null;
            if (expected == null || !MessageDigest.isEqual(digest.sha256SoFar(), expected)) {
                throw new ChecksumMismatchException(what + " differs from its first read in the block at byte " + done
                        + ": it changed while it was read");
            }
            blocksChecked++;
            blockLength = got;
            given = 0;
            return true;
        }

        @Override
        public void close() throws IOException {
            content.close();
        }
    }
}
