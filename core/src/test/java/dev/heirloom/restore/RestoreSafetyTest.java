package dev.heirloom.restore;

import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.EntryType;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.RepositoryLayout;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreSafetyTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget target = new InMemoryTarget();
    private final Repository repo = new Repository(target);

    private String object(String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        String hash = MultiDigest.sha256Hex(b);
        repo.objects().put(hash, ContentSource.ofBytes(b), Checksums.none());
        return hash;
    }

    /** Writes a tree as raw JSON, bypassing every check a well-behaved writer makes. */
    private String rawTree(List<Map<String, Object>> entries) {
        byte[] bytes = CanonicalJson.write(Map.of("version", 1, "entries", entries));
        String hash = MultiDigest.sha256Hex(bytes);
        target.write(RepositoryLayout.treeKey(hash), ContentSource.ofBytes(bytes), WriteOptions.replace(Checksums.none()));
        return hash;
    }

    private static Map<String, Object> file(String name, String hash, int size) {
        return Map.of("name", name, "type", "file", "size", size, "mtime", "2020-01-01T00:00:00Z", "content", hash);
    }

    private Snapshot snapshot(String root) {
        Snapshot s = new Snapshot(1, "00112233aabbccdd", Instant.parse("2024-01-01T00:00:00Z"), "h", "src", root, 1, 1, null, null);
        repo.putSnapshot(s);
        return s;
    }

    @Test
    void entriesThatClimbOutAreRefusedAndNothingIsWrittenOutside() throws Exception {
        repo.initialize(Clock.systemUTC());
        String evil = object("evil");
        String good = object("good");
        String sub = rawTree(List.of(file("..", evil, 4), file("ok.jpg", good, 4)));
        String root = rawTree(List.of(
                file("../../x", evil, 4),
                file("/etc/passwd-heirloom", evil, 4),
                file("a/../../y", evil, 4),
                Map.of("name", "..", "type", "dir", "mtime", "2020-01-01T00:00:00Z", "tree", sub),
                Map.of("name", "fine", "type", "dir", "mtime", "2020-01-01T00:00:00Z", "tree", sub)));
        Path base = Files.createDirectories(tmp.resolve("deep/er"));
        Path dest = base.resolve("restore");
        RestoreReport report = new Restorer(repo, RestoreOptions.into(dest)).restore(snapshot(root));

        assertThat(report.refused()).hasSize(5);
        assertThat(report.complete()).isFalse();
        assertThat(report.filesRestored()).isEqualTo(1);
        assertThat(Files.readString(dest.resolve("fine/ok.jpg"))).isEqualTo("good");
        List<Path> everything = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.filter(Files::isRegularFile).forEach(everything::add);
        }
        assertThat(everything).containsExactly(dest.resolve("fine/ok.jpg"));
        assertThat(Path.of("/etc/passwd-heirloom")).doesNotExist();
    }

    @Test
    void referencesThatAreNotHashesAreReportedNotFollowed() throws Exception {
        String good = object("fine");
        String root = rawTree(List.of(
                file("a.jpg", "../../../etc/passwd", 4),
                file("b.jpg", good, 4),
                Map.of("name", "sub", "type", "dir", "mtime", "2020-01-01T00:00:00Z", "tree", "trees/../../x")));
        Path dest = tmp.resolve("dest");
        RestoreReport report = new Restorer(repo, RestoreOptions.into(dest)).restore(snapshot(root));
        assertThat(report.filesRestored()).isEqualTo(1);
        assertThat(report.failed()).hasSize(2).allSatisfy(f -> assertThat(f).contains("not a SHA-256 reference"));
        assertThat(Files.readString(dest.resolve("b.jpg"))).isEqualTo("fine");
    }

    @Test
    void aSymbolicLinkInTheDestinationIsNotFollowed() throws Exception {
        String good = object("photo");
        String sub = rawTree(List.of(file("p.jpg", good, 5)));
        String root = rawTree(List.of(Map.of("name", "album", "type", "dir", "mtime", "2020-01-01T00:00:00Z", "tree", sub)));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Files.createSymbolicLink(dest.resolve("album"), outside);
        RestoreReport report = new Restorer(repo, RestoreOptions.into(dest)).restore(snapshot(root));
        assertThat(report.refused()).hasSize(1);
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aCorruptObjectIsReportedAndNoFileAppears() throws Exception {
        String hash = object("the real photo");
        target.corrupt(RepositoryLayout.objectKey(hash), "tampered photo".getBytes(StandardCharsets.UTF_8));
        String root = rawTree(List.of(file("p.jpg", hash, 14)));
        Path dest = tmp.resolve("dest");
        RestoreReport report = new Restorer(repo, RestoreOptions.into(dest)).restore(snapshot(root));
        assertThat(report.failed()).singleElement().asString().contains("corrupt");
        try (Stream<Path> s = Files.list(dest)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void existingFilesAreKeptUnlessOverwriteIsAsked() throws Exception {
        String hash = object("from backup");
        String root = rawTree(List.of(file("p.jpg", hash, 11)));
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        Files.writeString(dest.resolve("p.jpg"), "local edit");
        Snapshot s = snapshot(root);
        RestoreReport kept = new Restorer(repo, RestoreOptions.into(dest)).restore(s);
        assertThat(kept.skippedExisting()).isEqualTo(1);
        assertThat(Files.readString(dest.resolve("p.jpg"))).isEqualTo("local edit");
        RestoreReport replaced = new Restorer(repo, RestoreOptions.into(dest).withOverwrite(true)).restore(s);
        assertThat(replaced.filesRestored()).isEqualTo(1);
        assertThat(Files.readString(dest.resolve("p.jpg"))).isEqualTo("from backup");
    }

    @Test
    void plainNamesAreTheOnlyAcceptedNames() {
        assertThat(Restorer.isPlainName("IMG 1.jpg", "/")).isTrue();
        assertThat(Restorer.isPlainName("..hidden", "/")).isTrue();
        assertThat(Restorer.isPlainName("a\\b", "/")).as("a backslash is a plain character on Linux").isTrue();
        assertThat(Restorer.isPlainName("a\\b", "\\")).as("and a separator on Windows").isFalse();
        for (String bad : List.of("", ".", "..", "a/b", "nul\0")) {
            assertThat(Restorer.isPlainName(bad, "/")).as(bad).isFalse();
            assertThat(Restorer.isPlainName(bad, "\\")).as(bad).isFalse();
        }
        assertThat(EntryType.FILE.json()).isEqualTo("file");
        assertThat(TreeEntry.file("x", 1, Instant.EPOCH, "a".repeat(64), "photo", null).isFile()).isTrue();
    }
}
