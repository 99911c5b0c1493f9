package dev.heirloom.repository;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** File names are their bytes: every byte string maps to one name and back, whatever the locale. */
class FileNameTest {
    @TempDir
    Path tmp;

    private static byte[] randomName(Random random) {
        byte[] b = new byte[1 + random.nextInt(12)];
        for (int i = 0; i < b.length; i++) {
            int v;
            do {
                // mostly high bytes, so that invalid and valid UTF-8 sequences both appear
                v = random.nextInt(3) == 0 ? 'a' + random.nextInt(26) : 0x80 + random.nextInt(128);
            } while (v == '/' || v == 0);
            b[i] = (byte) v;
        }
        if (random.nextInt(4) == 0) {
            byte[] utf8 = "été📷".getBytes(StandardCharsets.UTF_8);
            byte[] both = Arrays.copyOf(b, b.length + utf8.length);
            System.arraycopy(utf8, 0, both, b.length, utf8.length);
            return both;
        }
        return b;
    }

    @Test
    void everyByteStringIsOneNameAndGivesBackItsBytes() {
        Random random = new Random(3);
        Map<String, byte[]> seen = new HashMap<>();
        for (int round = 0; round < 50_000; round++) {
            byte[] bytes = randomName(random);
            String name = FileName.decode(bytes);
            assertThat(FileName.bytes(name)).isEqualTo(bytes);
            byte[] before = seen.putIfAbsent(name, bytes);
            assertThat(before == null || Arrays.equals(before, bytes)).as("two byte strings, one name").isTrue();
        }
    }

    @Test
    void validUtf8IsDecodedAsIsAndOnlyOtherBytesAreEscaped() {
        assertThat(FileName.decode("été 📷.jpg".getBytes(StandardCharsets.UTF_8))).isEqualTo("été 📷.jpg");
        assertThat(FileName.escaped("été 📷.jpg")).isFalse();
        String latin1 = FileName.decode("café.jpg".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(FileName.escaped(latin1)).isTrue();
        assertThat(FileName.readable(latin1)).isEqualTo("caf\uFFFD.jpg");
        assertThat(FileName.fromStored(FileName.readable(latin1), FileName.bytesBase64(latin1))).isEqualTo(latin1);
        assertThat(FileName.bytesBase64("été.jpg")).isNull();
        // the bytes of a UTF-8-encoded surrogate are not valid UTF-8: escaped, never read as a surrogate
        byte[] encodedSurrogate = {(byte) 0xED, (byte) 0xB3, (byte) 0xA9};
        assertThat(FileName.bytes(FileName.decode(encodedSurrogate))).isEqualTo(encodedSurrogate);
    }

    @Test
    void namesSortByTheirBytes() {
        Random random = new Random(5);
        for (int round = 0; round < 20_000; round++) {
            byte[] x = randomName(random);
            byte[] y = randomName(random);
            int expected = Integer.signum(Arrays.compareUnsigned(x, y));
            assertThat(Integer.signum(Tree.NAME_ORDER.compare(FileName.decode(x), FileName.decode(y))))
                    .as("%s vs %s", Arrays.toString(x), Arrays.toString(y)).isEqualTo(expected);
        }
    }

    @Test
    void aTreeWithTwoLatin1NamesThatLookAlikeKeepsBoth() {
        String e1 = FileName.decode("caf\u00e9.jpg".getBytes(StandardCharsets.ISO_8859_1));
        String e2 = FileName.decode("caf\u00e8.jpg".getBytes(StandardCharsets.ISO_8859_1));
        String h = "ab".repeat(32);
        Tree tree = Tree.of(List.of(TreeEntry.file(e1, 1, Instant.EPOCH, h, "photo", null),
                TreeEntry.file(e2, 1, Instant.EPOCH, h, "photo", null)));
        byte[] json = CanonicalJson.write(tree);
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text).contains("\"name\":\"caf\uFFFD.jpg\",\"nameBytes\":\"Y2Fm6S5qcGc=\"");
        assertThat(CanonicalJson.read(json, Tree.class, "t")).isEqualTo(tree);
    }

    @Test
    void namesOnDiskAreReadAndResolvedToTheirExactBytes() throws Exception {
        Random random = new Random(9);
        Map<String, byte[]> made = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            byte[] bytes = randomName(random);
            StringBuilder uri = new StringBuilder(tmp.toUri().toString());
            for (byte b : bytes) {
                uri.append('%').append(String.format("%02X", b & 0xFF));
            }
            Path p = Path.of(URI.create(uri.toString()));
            if (!Files.exists(p)) {
                Files.write(p, bytes);
                made.put(FileName.decode(bytes), bytes);
            }
        }
        Map<String, byte[]> listed = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmp)) {
            for (Path p : dir) {
                listed.put(FileName.of(p), Files.readAllBytes(p));
            }
        }
        assertThat(listed.keySet()).isEqualTo(made.keySet());
        for (Map.Entry<String, byte[]> e : made.entrySet()) {
            assertThat(listed.get(e.getKey())).isEqualTo(e.getValue());
            Path back = FileName.resolve(tmp, e.getKey());
            assertThat(Files.readAllBytes(back)).as("resolved to the same file").isEqualTo(e.getValue());
            Path nested = FileName.resolve(tmp.getParent(), tmp.getFileName() + "/" + e.getKey());
            assertThat(Files.isSameFile(nested, back)).isTrue();
        }
    }
}
