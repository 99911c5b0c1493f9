package dev.heirloom.repository;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Content proven to be what was hashed is encrypted the same way on every try (so an upload can
 * resume), in Tink's format, and content that changed between the reads is never encrypted.
 */
class RepeatableEncryptionTest {
    private static final int MIB = 1 << 20;
    private static final String KEY = "objects/ab/ab00";
    private final byte[] master = random(EncryptedCipher.MASTER_KEY_BYTES, 1);

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ContentSource inMemory(byte[] plain) {
        return ContentSource.ofBytes(plain, Checksums.sha256(MultiDigest.sha256Hex(plain)));
    }

    private static byte[] readAll(ContentSource c) throws IOException {
        try (InputStream in = c.open()) {
            return in.readAllBytes();
        }
    }

    /** Records the prefix hashes as the engine's first read does, in reads of an odd size. */
    private static PrefixHashes firstRead(byte[] content) {
        MultiDigest digest = MultiDigest.sha256Only();
        PrefixHashes.Recorder recorder = new PrefixHashes.Recorder(digest);
        for (int at = 0; at < content.length; at += 777_777) {
            recorder.update(content, at, Math.min(777_777, content.length - at));
        }
        return recorder.finish(HexFormat.of().formatHex(digest.sha256SoFar()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1_048_520, 1_048_521, 3 * MIB + 5})
    void provenContentIsTheSameCiphertextEachTimeAndTinkReadsIt(int size) throws Exception {
        EncryptedCipher cipher = new EncryptedCipher(master, false);
        byte[] plain = random(size, size);
        String sha = MultiDigest.sha256Hex(plain);
        ContentSource sealed = cipher.seal(KEY, inMemory(plain), sha);
        byte[] once = readAll(sealed);
        assertThat(readAll(sealed)).as("a second try").isEqualTo(once);
        assertThat(readAll(cipher.seal(KEY, ContentSource.ofBytes(plain), sha, Optional.of(firstRead(plain)))))
                .as("the same content proven by a first read instead of held in memory").isEqualTo(once);
        assertThat((long) once.length).isEqualTo(cipher.storedSize(size));

        AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(Arrays.copyOf(master, 32), "HmacSha256", 32, MIB, 0);
        try (InputStream in = tink.newDecryptingStream(new ByteArrayInputStream(once), KEY.getBytes(StandardCharsets.UTF_8))) {
            assertThat(in.readAllBytes()).as("Tink's own decrypter").isEqualTo(plain);
        }
        assertThat(cipher.open(KEY, once)).isEqualTo(plain);
    }

    @Test
    void onlyProvenContentRepeatsAndTheIdentityNamesExactlyThoseBytes() throws Exception {
        EncryptedCipher cipher = new EncryptedCipher(master, true);
        byte[] plain = random(2 * MIB + 9, 7);
        String sha = MultiDigest.sha256Hex(plain);
        ContentSource unproven = cipher.seal(KEY, ContentSource.ofBytes(plain), sha);
        assertThat(readAll(unproven)).as("a random header each time").isNotEqualTo(readAll(unproven));
        assertThat(unproven.identity()).isEmpty();

        ContentSource proven = cipher.seal(KEY, inMemory(plain), sha);
        assertThat(proven.identity()).get().asString().matches("[0-9a-f]{64}");
        assertThat(cipher.seal(KEY, ContentSource.ofBytes(plain), sha, Optional.of(firstRead(plain))).identity())
                .isEqualTo(proven.identity());
        // another name, another key, or the unpadded format: other bytes, so another identity
        String other = "objects/ab/ab01";
        assertThat(cipher.seal(other, inMemory(plain), sha).identity()).isNotEqualTo(proven.identity());
        assertThat(new EncryptedCipher(random(64, 2), true).seal(KEY, inMemory(plain), sha).identity())
                .isNotEqualTo(proven.identity());
        assertThat(new EncryptedCipher(master, false).seal(KEY, inMemory(plain), sha).identity())
                .isNotEqualTo(proven.identity());
        // the header is derived from the name: the same content under two names shares no salt or nonce
        byte[] a = readAll(proven);
        byte[] b = readAll(cipher.seal(other, inMemory(plain), sha));
        assertThat(Arrays.copyOfRange(a, 1, 40)).isNotEqualTo(Arrays.copyOfRange(b, 1, 40));
        assertThat(cipher.open(KEY, new ByteArrayInputStream(a)).readAllBytes()).isEqualTo(plain);
        // a first read of other content does not count as proof for this hash
        byte[] edited = plain.clone();
        edited[5] ^= 1;
        assertThat(cipher.seal(KEY, ContentSource.ofBytes(plain), sha, Optional.of(firstRead(edited))).identity()).isEmpty();
    }

    @Test
    void prefixHashesAreTheHashesOfEachWholeBlockPrefix() throws Exception {
        byte[] content = random(5 * MIB + 123, 3);
        PrefixHashes hashes = firstRead(content);
        assertThat(hashes.size()).isEqualTo(content.length);
        assertThat(hashes.sha256()).isEqualTo(MultiDigest.sha256Hex(content));
        try (InputStream in = hashes.verifying(new ByteArrayInputStream(content), "clip.mp4")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        // an exact number of blocks: the last block's check is the whole hash
        byte[] even = Arrays.copyOf(content, 2 * MIB);
        try (InputStream in = firstRead(even).verifying(new ByteArrayInputStream(even), "clip.mp4")) {
            assertThat(in.readAllBytes()).isEqualTo(even);
        }
    }

    @ParameterizedTest(name = "padded: {0}")
    @ValueSource(booleans = {false, true})
    void aBlockThatChangedSinceTheFirstReadIsNeverEncrypted(boolean padded) throws Exception {
        EncryptedCipher cipher = new EncryptedCipher(master, padded);
        byte[] content = random(5 * MIB + 123, 4);
        PrefixHashes first = firstRead(content);
        byte[] changed = content.clone();
        changed[3 * MIB + 10] ^= 1;
        ContentSource sealed = cipher.seal(KEY, ContentSource.ofBytes(changed), first.sha256(), Optional.of(first));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThatThrownBy(() -> {
            try (InputStream in = sealed.open()) {
                in.transferTo(got);
            }
        }).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("differs from its first read in the block at byte " + 3 * MIB)
                .hasMessageContaining("changed while it was read");
        assertThat((long) got.size()).as("ciphertext given before the failure covers the first three blocks at most")
                .isLessThanOrEqualTo(cipher.storedSize(3L * MIB));

        byte[] shorter = Arrays.copyOf(content, 4 * MIB);
        ContentSource cut = new ContentSource() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(shorter);
            }
        };
        assertThatThrownBy(() -> readAll(cipher.seal(KEY, cut, first.sha256(), Optional.of(first))))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("ended after");
    }
}
