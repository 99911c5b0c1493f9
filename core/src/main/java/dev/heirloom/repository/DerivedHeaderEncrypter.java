package dev.heirloom.repository;

import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Tink's {@code AES256_GCM_HKDF_1MB} segment encryption (the same bytes Tink's own encrypter would
 * write, and Tink's decrypter reads) with the header's salt and nonce prefix derived from a key and
 * the file's name instead of drawn at random, so that the same content under the same name is the
 * same ciphertext on every try, and a provider can resume an upload by comparing what it holds.
 *
 * <p>Only for content that is the same on every try: a content object named by (a keyed hash of)
 * its SHA-256, given out only after it was proven equal to what was hashed ({@link PrefixHashes},
 * or bytes in memory). Then a nonce (salt, prefix, segment number) never encrypts two different
 * plaintexts; anything else keeps Tink's random header.
 */
final class DerivedHeaderEncrypter implements StreamSegmentEncrypter {
    static final int KEY_BYTES = 32;
    static final int NONCE_PREFIX_BYTES = 7;
    private static final int TAG_BITS = 128;
    private static final byte[] HEADER_SALT = "heirloom: encryption header of a content object".getBytes(StandardCharsets.US_ASCII);

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] noncePrefix;
    private final ByteBuffer header;
    private int segment;

    /**
     * @param contentKey     the key Tink derives each file's key from (HKDF-SHA256)
     * @param headerKey      the key the header is derived from; never the content key
     * @param associatedData the file's name, as Tink's associated data
     */
    DerivedHeaderEncrypter(byte[] contentKey, byte[] headerKey, byte[] associatedData) throws GeneralSecurityException {
        byte[] derived = Hkdf.computeHkdf("HmacSha256", headerKey, HEADER_SALT, associatedData,
                KEY_BYTES + NONCE_PREFIX_BYTES);
        byte[] salt = java.util.Arrays.copyOfRange(derived, 0, KEY_BYTES);
        this.noncePrefix = java.util.Arrays.copyOfRange(derived, KEY_BYTES, derived.length);
        this.key = new SecretKeySpec(Hkdf.computeHkdf("HmacSha256", contentKey, salt, associatedData, KEY_BYTES), "AES");
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        int length = 1 + KEY_BYTES + NONCE_PREFIX_BYTES;
        this.header = ByteBuffer.allocate(length).put((byte) length).put(salt).put(noncePrefix).flip();
    }

    @Override
    public ByteBuffer getHeader() {
        return header.asReadOnlyBuffer();
    }

    @Override
    public void encryptSegment(ByteBuffer plaintext, boolean isLastSegment, ByteBuffer ciphertext)
            throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(isLastSegment));
        segment++;
        cipher.doFinal(plaintext, ciphertext);
    }

    @Override
    public void encryptSegment(ByteBuffer part1, ByteBuffer part2, boolean isLastSegment, ByteBuffer ciphertext)
            throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(isLastSegment));
        segment++;
        if (part2.hasRemaining()) {
            cipher.update(part1, ciphertext);
            cipher.doFinal(part2, ciphertext);
        } else {
            cipher.doFinal(part1, ciphertext);
        }
    }

    /** The nonce prefix, the segment's number (4 bytes, big-endian) and whether it is the last. */
    private GCMParameterSpec nonce(boolean last) {
        if (segment < 0) {
            throw new IllegalStateException("too many segments");
        }
        ByteBuffer nonce = ByteBuffer.allocate(NONCE_PREFIX_BYTES + 5).put(noncePrefix).putInt(segment)
                .put((byte) (last ? 1 : 0));
        return new GCMParameterSpec(TAG_BITS, nonce.array());
    }
}
