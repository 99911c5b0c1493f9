package dev.heirloom.repository;

import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Format version 3's padded plaintext: Padmé sizes, the round trip at every boundary, and padding that lies. */
class PaddedPlaintextTest {
    private static final int FIRST = 1_048_520;
    private static final String KEY = "objects/ab/ab00";
    private static final byte[] MASTER = random(EncryptedCipher.MASTER_KEY_BYTES);

    private final EncryptedCipher padded = new EncryptedCipher(MASTER, true);
    /** The same key without padding: seals any plaintext we craft, as a forger with the key could. */
    private final EncryptedCipher raw = new EncryptedCipher(MASTER, false);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void padmeKeepsTheTopBitsOfALengthAndCostsAtMostItsBound() {
        // worked values: E = floor(log2 L), S = floor(log2 E) + 1, the low E - S bits rounded up
        assertThat(PaddedPlaintext.padme(0)).isZero();
        assertThat(PaddedPlaintext.padme(1)).isEqualTo(1);
        assertThat(PaddedPlaintext.padme(9)).isEqualTo(10);      // E=3, S=2: multiples of 2
        assertThat(PaddedPlaintext.padme(100)).isEqualTo(104);   // E=6, S=3: multiples of 8
        assertThat(PaddedPlaintext.padme(1000)).isEqualTo(1024); // E=9, S=4: multiples of 32
        assertThat(PaddedPlaintext.padme(3_000_000)).isEqualTo(3_014_656); // E=21, S=5: multiples of 65,536
        assertThat(PaddedPlaintext.padme(1L << 40)).isEqualTo(1L << 40);
        assertThatThrownBy(() -> PaddedPlaintext.padme(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long length = 2 + (r.nextLong() >>> (20 + r.nextInt(42))); // up to 8 TiB
            long p = PaddedPlaintext.padme(length);
            int e = 63 - Long.numberOfLeadingZeros(length);
            int s = 32 - Integer.numberOfLeadingZeros(e);
            assertThat(p).isGreaterThanOrEqualTo(length);
            assertThat(p - length).as("bound for %d", length).isLessThan(1L << (e - s));
            assertThat(PaddedPlaintext.padme(p)).as("a padded length is its own").isEqualTo(p);
        }
    }

    @Test
    void filesOfNearbySizesShareAStoredSize() {
        Set<Long> stored = new HashSet<>();
        for (long size = 3_000_000; size < 3_010_000; size++) {
            stored.add(padded.storedSize(size));
        }
        assertThat(stored).as("10,000 photo sizes, one stored size").hasSize(1);
        assertThat(padded.storedSize(3_000_000) - raw.storedSize(3_000_000)).isLessThan(3_000_000 / 32);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 100, FIRST - 8, FIRST - 9, FIRST, FIRST + 1, 2 * FIRST + 3})
    void everySizeRoundTripsAndTellsItsSizeFromItsFirstSegment(int size) throws Exception {
        byte[] plain = random(size);
        byte[] stored;
        try (InputStream in = padded.seal(KEY, ContentSource.ofBytes(plain), MultiDigest.sha256Hex(plain)).open()) {
            stored = in.readAllBytes();
        }
        assertThat((long) stored.length).isEqualTo(padded.storedSize(size));
        long[] asked = new long[1];
        assertThat(padded.plainSize(KEY, stored.length, n -> {
            asked[0] = n;
            return new ByteArrayInputStream(stored, 0, (int) n);
        })).isEqualTo(size);
        assertThat(asked[0]).as("no more than a segment and a byte").isLessThanOrEqualTo((1 << 20) + 1);
        assertThat(padded.open(KEY, stored)).isEqualTo(plain);
        try (InputStream in = padded.open(KEY, new ByteArrayInputStream(stored))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        try (InputStream in = padded.open(KEY, new ByteArrayInputStream(stored))) {
            assertThat(in.readNBytes(size)).as("exactly the content, the padding checked on the way").isEqualTo(plain);
        }
    }

    /** A padded plaintext with a chosen length field and padding, sealed with the repository's key. */
    private byte[] forged(long lengthField, byte[] content, byte[] padding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).putLong(lengthField).array());
        out.write(content);
        out.write(padding);
        return raw.seal(KEY, out.toByteArray());
    }

    @Test
    void paddingThatIsNotZerosOrNotItsSizeIsDamageNeverContent() throws Exception {
        byte[] content = random(100); // padded plaintext: 108 -> 112, so 4 zero bytes
        assertThat(padded.open(KEY, forged(100, content, new byte[4]))).isEqualTo(content);
        assertThatThrownBy(() -> padded.open(KEY, forged(100, content, new byte[] {0, 0, 1, 0})))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("padding holds other bytes");
        assertThatThrownBy(() -> padded.open(KEY, forged(100, content, new byte[3])))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("padding has 3 bytes instead of 4");
        assertThatThrownBy(() -> padded.open(KEY, forged(100, content, new byte[40])))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("instead of 4");
        assertThatThrownBy(() -> padded.open(KEY, forged(200, content, new byte[4])))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("ends after 104 of 200 bytes");
        assertThatThrownBy(() -> padded.open(KEY, forged(-1, content, new byte[4])))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> padded.open(KEY, raw.seal(KEY, new byte[5])))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("length field");
    }
}
