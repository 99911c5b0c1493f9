package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encrypting and decrypting streams at every segment boundary, and every way a ciphertext can be wrong
 * (unpadded files, format version 2; {@link PaddedPlaintextTest} covers the padding of version 3).
 */
class SegmentStreamsTest {
    /** Plaintext bytes in the first segment and in each later one (1 MiB segments less header and tag). */
    private static final int FIRST = 1_048_520;
    private static final int NEXT = 1_048_560;
    private static final String KEY = "objects/ab/ab00";

    private final EncryptedCipher cipher = new EncryptedCipher(random(EncryptedCipher.MASTER_KEY_BYTES), false);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private byte[] seal(byte[] plain) throws IOException {
        try (InputStream in = cipher.seal(KEY, ContentSource.ofBytes(plain), MultiDigest.sha256Hex(plain)).open()) {
            return in.readAllBytes();
        }
    }

    /** Opens it both ways (a small file's bytes, sized buffers; a stream, a segment's buffers): they must agree. */
    private byte[] open(String key, byte[] stored) throws IOException {
        byte[] viaBytes;
        try {
            viaBytes = cipher.open(key, stored);
        } catch (ChecksumMismatchException e) {
            assertThatThrownBy(() -> openStream(key, stored)).as("the stream refuses it too")
                    .isInstanceOf(ChecksumMismatchException.class);
            throw e;
        }
        assertThat(openStream(key, stored)).isEqualTo(viaBytes);
        return viaBytes;
    }

    private byte[] openStream(String key, byte[] stored) throws IOException {
        try (InputStream in = cipher.open(key, new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, FIRST - 1, FIRST, FIRST + 1, FIRST + NEXT, FIRST + NEXT + 1, 3 * NEXT})
    void everySizeRoundTripsAndHasTheSizeTheFormatSays(int size) throws Exception {
        byte[] plain = random(size);
        byte[] stored = seal(plain);
        assertThat((long) stored.length).isEqualTo(cipher.storedSize(size));
        assertThat(cipher.plainSize(KEY, stored.length, n -> new ByteArrayInputStream(stored, 0, (int) n))).isEqualTo(size);
        assertThat(open(KEY, stored)).isEqualTo(plain);
        // read one byte at a time as well
        try (InputStream in = cipher.open(KEY, new ByteArrayInputStream(stored))) {
            for (int i = 0; i < Math.min(size, 3); i++) {
                assertThat(in.read()).isEqualTo(plain[i] & 0xff);
            }
        }
    }

    @Test
    void aCiphertextThatWasTamperedWithNeverOpens() throws Exception {
        byte[] plain = random(FIRST + NEXT + 10);
        byte[] stored = seal(plain);
        int header = 40;
        int firstSegmentEnd = 1 << 20;
        int secondSegmentEnd = 2 << 20;
        // the whole last segment gone: the segment before it was not sealed as the last one
        assertThatThrownBy(() -> open(KEY, Arrays.copyOf(stored, secondSegmentEnd)))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThatThrownBy(() -> open(KEY, Arrays.copyOf(stored, stored.length - 1)))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThatThrownBy(() -> open(KEY, Arrays.copyOf(stored, header + 5)))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> open(KEY, Arrays.copyOf(stored, 20)))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("header");
        byte[] longer = Arrays.copyOf(stored, stored.length + 1);
        assertThatThrownBy(() -> open(KEY, longer)).isInstanceOf(ChecksumMismatchException.class);
        byte[] flipped = stored.clone();
        flipped[firstSegmentEnd + 7] ^= 1;
        assertThatThrownBy(() -> open(KEY, flipped)).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("segment 1 does not authenticate");
        // the same bytes under another name: the name is part of what is authenticated
        assertThatThrownBy(() -> open("objects/ab/ab01", stored)).isInstanceOf(ChecksumMismatchException.class);
        // the second segment given as the first: each segment's number is in its nonce
        byte[] reordered = stored.clone();
        System.arraycopy(stored, firstSegmentEnd, reordered, header, firstSegmentEnd - header);
        assertThatThrownBy(() -> open(KEY, reordered)).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("segment 0 does not authenticate");
    }

    @ParameterizedTest(name = "padded: {0}")
    @ValueSource(booleans = {false, true})
    void contentThatChangesWhileReadIsNeverSealedUnderItsOldHash(boolean padded) {
        EncryptedCipher cipher = new EncryptedCipher(random(EncryptedCipher.MASTER_KEY_BYTES), padded);
        byte[] plain = random(FIRST + 100);
        String hash = MultiDigest.sha256Hex(plain);
        byte[] edited = plain.clone();
        edited[FIRST + 50] ^= 1;
        assertThatThrownBy(() -> cipher.seal(KEY, ContentSource.ofBytes(edited), hash).open().readAllBytes())
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("changed while it was read");
        ContentSource shorter = new ContentSource() {
            @Override
            public long size() {
                return plain.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(plain, 0, plain.length - 1);
            }
        };
        assertThatThrownBy(() -> cipher.seal(KEY, shorter, hash).open().readAllBytes())
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("ended after");
    }

    @Test
    void twoEncryptionsOfOneFileDifferAndNamesAreKeyed() throws Exception {
        byte[] plain = random(1000);
        assertThat(seal(plain)).isNotEqualTo(seal(plain));
        String hash = MultiDigest.sha256Hex(plain);
        assertThat(cipher.objectKey(hash)).startsWith("objects/").doesNotContain(hash)
                .isEqualTo(cipher.objectKey(hash));
        assertThat(cipher.treeKey(hash)).startsWith("trees/").doesNotContain(hash);
    }
}
