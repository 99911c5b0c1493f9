package dev.heirloom.repository;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.MultiDigest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Ciphertext of a plaintext stream, pulled segment by segment (Tink's streaming AEAD format: the
 * header, then each segment sealed with its number and whether it is the last), so that a provider
 * can read it like any content. It reads exactly the declared plaintext size, hashes it on the way,
 * and fails before the last segment is delivered when the plaintext does not have the expected
 * SHA-256 or ends early: a file that changed while read is never stored under another file's name.
 */
final class SegmentEncryptingStream extends SegmentStream {
    private final InputStream plain;
    private final StreamSegmentEncrypter encrypter;
    private final String expectedSha256;
    private final String what;
    private final long size;
    private final MultiDigest digest = MultiDigest.sha256Only();
    private final int firstSegment;
    private final int segment;
    private final ByteBuffer plainBuffer;
    private final ByteBuffer cipherBuffer;
    private ByteBuffer header;
    private long remaining;
    private boolean finished;

    /**
     * @param aead           the parameters: segment size, header length, overhead
     * @param encrypter      seals the segments: Tink's own (a random header) or a {@link DerivedHeaderEncrypter}
     * @param expectedSha256 the plaintext's SHA-256, or null to take the bytes as they come
     * @param what           how messages name the content
     */
    SegmentEncryptingStream(AesGcmHkdfStreaming aead, StreamSegmentEncrypter encrypter, InputStream plain, long size,
                            String expectedSha256, String what) {
        this.plain = plain;
        this.encrypter = encrypter;
        this.expectedSha256 = expectedSha256;
        this.what = what;
        this.size = size;
        this.remaining = size;
        this.segment = aead.getPlaintextSegmentSize();
        this.firstSegment = segment - aead.getCiphertextOffset();
        // a segment holds at most `segment` plaintext bytes, and content of `size` bytes never needs more than that
        // (a small tree or photo gets small buffers, not a segment's worth)
        int largest = (int) Math.min(segment, size);
        this.plainBuffer = ByteBuffer.allocate(largest);
        this.cipherBuffer = ByteBuffer.allocate(largest + aead.getCiphertextOverhead());
        this.header = encrypter.getHeader().duplicate();
    }

    @Override
    ByteBuffer nextSegment() throws IOException {
        if (header != null) {
            ByteBuffer first = header;
            header = null;
            return first;
        }
        if (finished) {
            return null;
        }
        boolean first = remaining == size;
        int want = (int) Math.min(first ? firstSegment : segment, remaining);
        plainBuffer.clear();
        byte[] array = plainBuffer.array();
        int got = 0;
        while (got < want) {
            int n = plain.read(array, got, want - got);
            if (n < 0) {
                throw new ChecksumMismatchException(what + " ended after " + (size - remaining + got) + " of " + size
                        + " bytes: it changed while it was read");
            }
            got += n;
        }
        if (expectedSha256 != null) {
            digest.update(array, 0, got); // a padded file's content is hashed by PaddedPlaintext instead
        }
        remaining -= got;
        boolean last = remaining == 0;
        if (last && expectedSha256 != null) {
            String actual = digest.finish().get(ChecksumAlgorithm.SHA256).orElseThrow();
            if (!actual.equals(expectedSha256)) {
                throw new ChecksumMismatchException(what + " hashes to " + actual + ", not " + expectedSha256
                        + ": it changed while it was read");
            }
        }
        plainBuffer.limit(got);
        cipherBuffer.clear();
        try {
            encrypter.encryptSegment(plainBuffer, last, cipherBuffer);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt " + what + ": " + e.getMessage(), e);
        }
        cipherBuffer.flip();
        finished = last;
        return cipherBuffer;
    }

    @Override
    public void close() throws IOException {
        plain.close();
    }
}
