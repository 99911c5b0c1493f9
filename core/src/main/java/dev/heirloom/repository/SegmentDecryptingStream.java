package dev.heirloom.repository;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import dev.heirloom.spi.ChecksumMismatchException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Plaintext of a stored ciphertext in Tink's streaming AEAD format, segment by segment. Every
 * segment is authenticated before any of its bytes are returned, so a reader never sees a forged or
 * damaged byte; a ciphertext that fails (damaged, truncated, reordered, another object's, another
 * repository's) is a {@link ChecksumMismatchException}, while the stored stream's own read errors
 * (a lost connection) pass through as they are.
 */
final class SegmentDecryptingStream extends SegmentStream {
    /** An AES-GCM tag: the least a segment holds. */
    private static final int TAG = 16;

    private final InputStream stored;
    private final StreamSegmentDecrypter decrypter;
    private final byte[] associatedData;
    private final String what;
    private final int headerLength;
    private final int firstSegment;
    private final int segment;
    /** Ciphertext read ahead: a segment and one more byte, which tells whether the segment is the last. */
    private final ByteBuffer ahead;
    private final ByteBuffer plainBuffer;
    private boolean headerRead;
    private boolean finished;
    private boolean storedEnded;
    private int segmentNumber;

    /**
     * @param storedSize the ciphertext's size when known (buffers are sized to it), else -1 (a segment's
     *                   worth)
     */
    SegmentDecryptingStream(AesGcmHkdfStreaming aead, byte[] associatedData, InputStream stored, long storedSize,
                            String what) throws GeneralSecurityException {
        this.stored = stored;
        this.decrypter = aead.newStreamSegmentDecrypter();
        this.associatedData = associatedData;
        this.what = what;
        this.headerLength = aead.getHeaderLength();
        this.segment = aead.getCiphertextSegmentSize();
        this.firstSegment = segment - aead.getCiphertextOffset();
        int most = storedSize < 0 ? segment : (int) Math.min(segment, storedSize);
        this.ahead = ByteBuffer.allocate(most + 1);
        this.plainBuffer = ByteBuffer.allocate(most);
    }

    @Override
    ByteBuffer nextSegment() throws IOException {
        if (finished) {
            return null;
        }
        if (!headerRead) {
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            fill(header, headerLength);
            if (header.position() < headerLength) {
                throw damaged("it ends inside its header (" + header.position() + " bytes)", null);
            }
            header.flip();
            try {
                decrypter.init(header, associatedData);
            } catch (GeneralSecurityException e) {
                throw damaged("its header is not one of this repository's", e);
            }
            headerRead = true;
        }
        int want = segmentNumber == 0 ? firstSegment : segment;
        fill(ahead, Math.min(want + 1, ahead.capacity()));
        boolean last = ahead.position() <= want;
        int length = Math.min(ahead.position(), want);
        if (length < TAG) {
            throw damaged("it is truncated", null);
        }
        ahead.flip();
        ByteBuffer cipher = ahead.slice();
        cipher.limit(length);
        plainBuffer.clear();
        try {
            decrypter.decryptSegment(cipher, segmentNumber, last, plainBuffer);
        } catch (GeneralSecurityException e) {
            throw damaged("segment " + segmentNumber + " does not authenticate", e);
        }
        plainBuffer.flip();
        ahead.position(length);
        ahead.compact();
        segmentNumber++;
        finished = last;
        return plainBuffer;
    }

    /** Reads from the stored stream until the buffer holds {@code count} bytes or the stream ends. */
    private void fill(ByteBuffer buffer, int count) throws IOException {
        while (buffer.position() < count && !storedEnded) {
            int n = stored.read(buffer.array(), buffer.position(), count - buffer.position());
            if (n < 0) {
                storedEnded = true;
            } else {
                buffer.position(buffer.position() + n);
            }
        }
    }

    private ChecksumMismatchException damaged(String why, Exception cause) {
        ChecksumMismatchException e = new ChecksumMismatchException(what + " cannot be decrypted: " + why
                + " (damaged, or not written with this repository's key)");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }
}
