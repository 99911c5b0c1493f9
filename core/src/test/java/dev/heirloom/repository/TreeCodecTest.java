package dev.heirloom.repository;

import dev.heirloom.spi.StorageException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeCodecTest {
    private static final String H = "0123456789abcdef".repeat(4);

    @Test
    void writesExactlyTheBytesOfDataBindingAndReadsThemBack() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            Tree tree = randomTree(random);
            byte[] bound = CanonicalJson.writeBound(tree);
            byte[] streamed = CanonicalJson.write(tree);
            assertThat(new String(streamed, StandardCharsets.UTF_8)).isEqualTo(new String(bound, StandardCharsets.UTF_8));
            assertThat(CanonicalJson.read(streamed, Tree.class, "t")).isEqualTo(tree);
        }
    }

    @Test
    void instantsAreWrittenAsInstantToStringAndParsedBack() {
        Random random = new Random(3);
        List<Instant> samples = new ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.parse("1969-12-31T23:59:59.1Z"), Instant.parse("2024-02-29T12:00:00.000001Z")));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 400_000_000_000L;
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            samples.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant t : samples) {
            assertThat(TreeCodec.instant(t)).isEqualTo(t.toString());
            assertThat(TreeCodec.parseInstant(t.toString())).isEqualTo(t);
        }
    }

    @Test
    void anyOtherFormIsParsedAsInstantParseDoesOrRefused() {
        for (String s : List.of("2020-05-01T10:00:00.5Z", "2016-12-31T23:59:60Z", "2020-02-30T10:00:00Z",
                "2020-05-01T24:00:00Z", "2020-05-01T10:00:00.Z", "2020-05-01 10:00:00Z", "2020-05-01T10:00:00.1234567890Z",
                "+2020-05-01T10:00:00Z", "2020-5-01T10:00:00Z", "2020-05-01T10:00:00+01:00", "yesterday", "")) {
            Instant expected;
            try {
                expected = Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                expected = null;
            }
            assertThat(TreeCodec.parseInstant(s)).as(s).isEqualTo(expected);
        }
        assertThat(TreeCodec.parseInstant("2020-02-30T10:00:00Z")).isNull();
    }

    @Test
    void readsFieldsInAnyOrderSkipsUnknownOnesAndFallsBackForOtherForms() {
        String json = "{\"future\":{\"a\":[1,2]},\"entries\":[{\"mtime\":\"2020-05-01T10:00:00Z\",\"x\":[{}],"
                + "\"content\":\"" + H + "\",\"type\":\"file\",\"name\":\"b.jpg\",\"size\":3,\"md5\":null}],\"version\":1}";
        Tree tree = CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8), Tree.class, "t");
        assertThat(tree).isEqualTo(Tree.of(List.of(
                TreeEntry.file("b.jpg", 3, Instant.parse("2020-05-01T10:00:00Z"), H, null, null))));

        // a number where the streaming reader expects a string: data binding reads it
        String epoch = "{\"version\":1,\"entries\":[{\"name\":\"d\",\"type\":\"dir\",\"size\":\"0\",\"mtime\":1588327200,"
                + "\"tree\":\"" + H + "\"}]}";
        assertThat(CanonicalJson.read(epoch.getBytes(StandardCharsets.UTF_8), Tree.class, "t").entries().get(0).mtime())
                .isEqualTo(Instant.parse("2020-05-01T10:00:00Z"));
    }

    @Test
    void invalidTreesAreCorruptRepositoryFiles() {
        for (String bad : List.of("{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"file\",\"size\":1,"
                        + "\"mtime\":\"2020-05-01T10:00:00Z\"}]}", // a file without content
                "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"dir\",\"mtime\":\"2020-05-01T10:00:00Z\","
                        + "\"tree\":\"" + H + "\"},{\"name\":\"a\",\"type\":\"dir\",\"mtime\":\"2020-05-01T10:00:00Z\","
                        + "\"tree\":\"" + H + "\"}]}", // a name twice
                "{\"version\":{\"major\":1},\"entries\":[]}", // a version that is not a number
                "{\"version\":1,\"entries\":[", "[]", "")) {
            assertThatThrownBy(() -> CanonicalJson.read(bad.getBytes(StandardCharsets.UTF_8), Tree.class, "trees/ab"))
                    .as(bad).isInstanceOf(StorageException.class).hasMessageContaining("trees/ab");
        }
    }

    private static Tree randomTree(Random random) {
        // with bytes that are not UTF-8 (Latin-1 é, a lone 0xFF): escaped names, stored with nameBytes
        String[] pieces = {"IMG_", "0042", ".jpg", "é", "\"", "\\", "\n", "\u0001", "\uD83D\uDCF7", "日本", " ", "/x",
                FileName.decode(new byte[] {(byte) 0xE9}), FileName.decode(new byte[] {'a', (byte) 0xFF})};
        List<TreeEntry> entries = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int n = random.nextInt(12);
        while (entries.size() < n) {
            StringBuilder name = new StringBuilder();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                name.append(pieces[random.nextInt(pieces.length)]);
            }
            if (!names.add(name.toString())) {
                continue;
            }
            Instant mtime = Instant.ofEpochSecond(random.nextInt(2_000_000_000) - 100_000_000L,
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            if (random.nextInt(4) == 0) {
                entries.add(TreeEntry.dir(name.toString(), mtime, H));
            } else {
                entries.add(new TreeEntry(name.toString(), EntryType.FILE, random.nextLong() & Long.MAX_VALUE, mtime, H, null,
                        random.nextBoolean() ? "photo" : null, random.nextBoolean() ? "(dev=803,ino=" + random.nextInt() + ")" : null,
                        random.nextBoolean() ? H.substring(0, 32) : null, random.nextBoolean() ? "1a2b3c4d" : null,
                        random.nextInt(5) == 0 ? H : null, random.nextInt(3) == 0 ? "2019-07-14T15:30:00+02:00" : null));
            }
        }
        return Tree.of(entries);
    }
}
