package dev.heirloom.repository;

import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.MultiDigest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeFormatTest {
    private static final String H = "ab".repeat(32);

    @Test
    void nameOrderIsTheOrderOfUtf8BytesEvenWhereUtf16OrderDiffers() {
        java.util.Random random = new java.util.Random(11);
        String[] pieces = {"a", "B", "é", "\uFF01", "\uE000", "\uD83D\uDCF7", "\uD83C\uDF04", "IMG_", "0", "~"};
        for (int round = 0; round < 20_000; round++) {
            String x = randomName(random, pieces);
            String y = randomName(random, pieces);
            int bytes = java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
            assertThat(Integer.signum(Tree.NAME_ORDER.compare(x, y))).as("%s vs %s", x, y).isEqualTo(Integer.signum(bytes));
        }
        assertThat(Tree.NAME_ORDER.compare("\uFF01", "\uD83D\uDCF7")).as("U+FF01 sorts before U+1F4F7").isNegative();
        assertThat("\uFF01".compareTo("\uD83D\uDCF7")).as("though String.compareTo says otherwise").isPositive();
    }

    private static String randomName(java.util.Random random, String[] pieces) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    @Test
    void canonicalFormIsIndependentOfInputOrderAndExact() {
        TreeEntry a = TreeEntry.file("b.jpg", 3, Instant.parse("2020-05-01T10:00:00.123456789Z"), H, "photo", null);
        TreeEntry b = TreeEntry.dir("a", Instant.parse("2020-05-01T10:00:00Z"), H);
        byte[] one = CanonicalJson.write(Tree.of(List.of(a, b)));
        byte[] two = CanonicalJson.write(Tree.of(List.of(b, a)));
        assertThat(one).isEqualTo(two);
        assertThat(new String(one, StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"entries\":["
                        + "{\"name\":\"a\",\"type\":\"dir\",\"size\":0,\"mtime\":\"2020-05-01T10:00:00Z\",\"tree\":\"" + H + "\"},"
                        + "{\"name\":\"b.jpg\",\"type\":\"file\",\"size\":3,\"mtime\":\"2020-05-01T10:00:00.123456789Z\","
                        + "\"content\":\"" + H + "\",\"media\":\"photo\"}]}");
        assertThat(CanonicalJson.read(one, Tree.class, "t")).isEqualTo(Tree.of(List.of(a, b)));
    }

    @Test
    void namesSortByCodePoint() {
        List<String> names = Tree.of(List.of(
                TreeEntry.dir("é", Instant.EPOCH, H), TreeEntry.dir("Z", Instant.EPOCH, H),
                TreeEntry.dir("a", Instant.EPOCH, H), TreeEntry.dir("\uD83D\uDCF7", Instant.EPOCH, H),
                TreeEntry.dir("\uFF21", Instant.EPOCH, H))).entries().stream().map(TreeEntry::name).toList();
        assertThat(names).containsExactly("Z", "a", "é", "\uFF21", "\uD83D\uDCF7");
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThatThrownBy(() -> Tree.of(List.of(TreeEntry.dir("a", Instant.EPOCH, H), TreeEntry.dir("a", Instant.EPOCH, H))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTreeIsCheckedAgainstItsName() {
        InMemoryTarget target = new InMemoryTarget();
        Repository repo = new Repository(target);
        byte[] bytes = CanonicalJson.write(Tree.of(List.of(TreeEntry.dir("x", Instant.EPOCH, H))));
        String hash = MultiDigest.sha256Hex(bytes);
        repo.trees().put(hash, bytes);
        assertThat(new Repository(target).trees().get(hash).entries()).hasSize(1);
        target.corrupt(RepositoryLayout.treeKey(hash), "{\"version\":1,\"entries\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new Repository(target).trees().get(hash)).isInstanceOf(ChecksumMismatchException.class);
    }

    @Test
    void repositoryIsInitialisedOnceAndRecognised() {
        InMemoryTarget target = new InMemoryTarget();
        RepositoryConfig first = new Repository(target).initialize(Clock.systemUTC());
        RepositoryConfig again = new Repository(target).initialize(Clock.systemUTC());
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(first.format()).isEqualTo("heirloom-repository");
        assertThat(RepositoryLayout.objectKey(H)).isEqualTo("objects/ab/" + H);
        assertThatThrownBy(() -> RepositoryLayout.objectKey("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotKeysSortByTime() {
        Snapshot s = new Snapshot(1, "0123456789abcdef", Instant.parse("2026-11-26T03:15:00.5Z"), "h", "src", H, 0, 0, null, null);
        assertThat(RepositoryLayout.snapshotKey(s)).isEqualTo("snapshots/20261126T031500Z-0123456789abcdef.json");
    }
}
