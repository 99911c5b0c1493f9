package dev.heirloom.spi;


import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Computes several checksums of one byte stream in a single pass, for providers verifying
 * expected checksums and for core: always SHA-256 (Heirloom's
 * content identity), plus MD5 and CRC-32C when a backend wants them. Not thread-safe; one
 * instance per stream.
 */
public final class MultiDigest {
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha256;
    private final MessageDigest md5;
    private final CRC32C crc32c;
    private long length;

    /** A digest of SHA-256 and the given extra algorithms. */
    public MultiDigest(Set<ChecksumAlgorithm> algorithms) {
        this(algorithms, true);
    }

    private MultiDigest(Set<ChecksumAlgorithm> algorithms, boolean alwaysSha256) {
        sha256 = alwaysSha256 || algorithms.contains(ChecksumAlgorithm.SHA256) ? digest("SHA-256") : null;
        md5 = algorithms.contains(ChecksumAlgorithm.MD5) ? digest("MD5") : null;
        crc32c = algorithms.contains(ChecksumAlgorithm.CRC32C) ? new CRC32C() : null;
    }

    /** A digest of exactly the given algorithms (possibly none: it then only counts bytes). */
    public static MultiDigest exactly(Set<ChecksumAlgorithm> algorithms) {
        return new MultiDigest(algorithms, false);
    }

    /** A digest of SHA-256 only. */
    public static MultiDigest sha256Only() {
        return new MultiDigest(Set.of());
    }

    /** Feeds {@code count} bytes from {@code offset} to every algorithm and counts them. */
    public void update(byte[] bytes, int offset, int count) {
        if (sha256 != null) {
            sha256.update(bytes, offset, count);
        }
        if (md5 != null) {
            md5.update(bytes, offset, count);
        }
        if (crc32c != null) {
            crc32c.update(bytes, offset, count);
        }
        length += count;
    }

    /**
     * The SHA-256 of the bytes seen so far, leaving the digest running: a commitment to a prefix of
     * the stream, for checking a later read of the same content block by block. It costs one
     * compression of the padding, not a pass over the prefix.
     *
     * @throws IllegalStateException when this digest does not compute SHA-256
     */
    public byte[] sha256SoFar() {
        if (sha256 == null) {
            throw new IllegalStateException("this digest does not compute SHA-256");
        }
        try {
            return ((MessageDigest) sha256.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this Java runtime's SHA-256 cannot be copied", e);
        }
    }

    /** Bytes seen so far. */
    public long length() {
        return length;
    }

    /** The checksums of everything seen; the digest must not be used afterwards. */
    public Checksums finish() {
        Map<ChecksumAlgorithm, String> values = new EnumMap<>(ChecksumAlgorithm.class);
        if (sha256 != null) {
            values.put(ChecksumAlgorithm.SHA256, HEX.formatHex(sha256.digest()));
        }
        if (md5 != null) {
            values.put(ChecksumAlgorithm.MD5, HEX.formatHex(md5.digest()));
        }
        if (crc32c != null) {
            values.put(ChecksumAlgorithm.CRC32C, HEX.formatHex(ByteBuffer.allocate(4).putInt((int) crc32c.getValue()).array()));
        }
        return new Checksums(values);
    }

    /** SHA-256 of a byte array, as hex. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(digest("SHA-256").digest(bytes));
    }

    /** Checksums of a whole stream, read with the given buffer; the stream is not closed. */
    public static Checksums of(InputStream in, Set<ChecksumAlgorithm> algorithms, byte[] buffer) throws IOException {
        MultiDigest digest = new MultiDigest(algorithms);
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return digest.finish();
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is required of every Java runtime", e);
        }
    }
}
