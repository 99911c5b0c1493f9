package dev.heirloom.provider.local;

import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.tck.ProviderDiscovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour specific to local folders, beyond the shared contract. */
class LocalTargetTest {
    @Test
    void isFoundWithoutItsDependencies() throws Exception {
        ProviderDiscovery.assertFoundWithoutDependencies(LocalTargetProvider.class);
    }

    @TempDir
    Path tmp;

    private StorageTarget open(Path folder, Map<String, String> options) {
        return new LocalTargetProvider().open(new TargetConfig(folder.toUri(), options));
    }

    @Test
    void anUnmountedDiskIsReportedAndNothingIsCreated() {
        Path mountPoint = tmp.resolve("media/usb");
        assertThatThrownBy(() -> open(mountPoint.resolve("heirloom"), Map.of()))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("is the disk mounted");
        assertThat(mountPoint).doesNotExist();
    }

    @Test
    void stagedFilesLeftByACrashedRunAreRemovedOnceADayOldAndOnlyThen() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("heirloom"));
        Path old = Files.write(repo.resolve(".heirloom-tmp-stage-1a2b"), new byte[1000]);
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(25))));
        Path recent = Files.write(repo.resolve(".heirloom-tmp-stage-3c4d"), new byte[1000]);
        try (StorageTarget t = open(repo, Map.of())) {
            assertThat(old).as("a day old: left by a crash").doesNotExist();
            assertThat(recent).as("maybe another process staging now").exists();
            assertThat(t.list("", Optional.empty(), 100).objects()).isEmpty();
        }
    }

    @Test
    void stagingThenPublishingReadsTheSourceOnceAndLeavesOnlyTheObject() throws Exception {
        Path repo = tmp.resolve("heirloom");
        byte[] video = new byte[3_000_000];
        new java.util.Random(5).nextBytes(video);
        Path file = Files.write(tmp.resolve("clip.mp4"), video);
        try (StorageTarget t = open(repo, Map.of())) {
            try (var staged = t.stage("clip", ContentSource.ofFile(file, video.length))) {
                try (Stream<Path> s = uncheckedList(repo)) {
                    assertThat(s.map(p -> p.getFileName().toString()))
                            .anySatisfy(n -> assertThat(n).startsWith(".heirloom-tmp-stage-"));
                }
                staged.publish("objects/aa/clip", WriteOptions.createIfAbsent(Checksums.none()));
            }
            assertThat(Files.readAllBytes(repo.resolve("objects/aa/clip"))).isEqualTo(video);
            try (Stream<Path> s = uncheckedList(repo)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("objects");
            }
        }
    }

    @Test
    void theRepositoryFolderIsCreatedWhenItsParentExists() {
        StorageTarget t = open(tmp.resolve("heirloom"), Map.of());
        assertThat(tmp.resolve("heirloom")).isDirectory();
        assertThat(t.capabilities().conditionalCreate()).as("ext4 has hard links").isTrue();
        try (Stream<Path> s = uncheckedList(tmp.resolve("heirloom"))) {
            assertThat(s).as("the hard-link probe leaves nothing").isEmpty();
        }
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFileBehind() throws Exception {
        StorageTarget t = open(tmp.resolve("repo"), Map.of());
        byte[] content = "some photo bytes".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> t.write("objects/ab/x", ContentSource.ofBytes(content),
                WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex("other".getBytes())))))
                .isInstanceOf(ChecksumMismatchException.class);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tmp.resolve("repo"))) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        assertThat(files).isEmpty();
    }

    @Test
    void pagingThroughManyFoldersResumesExactly() {
        StorageTarget t = open(tmp.resolve("repo"), Map.of("fsync", "false"));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String hash = MultiDigest.sha256Hex(("object " + i).getBytes());
            String key = "objects/" + hash.substring(0, 2) + "/" + hash;
            t.write(key, ContentSource.ofBytes(new byte[] {(byte) i}), WriteOptions.createIfAbsent(Checksums.none()));
            expected.add(key);
        }
        t.write("trees/aa/t", ContentSource.ofBytes(new byte[1]), WriteOptions.createIfAbsent(Checksums.none()));
        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ListPage page = t.list("objects/", token, 7);
            page.objects().stream().map(ObjectInfo::key).forEach(seen::add);
            token = page.nextPageToken();
        } while (token.isPresent());
        assertThat(seen).doesNotHaveDuplicates().hasSize(300);
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
    }

    @Test
    void temporaryNamesAreReservedAndNeverListed() throws Exception {
        StorageTarget t = open(tmp.resolve("repo"), Map.of());
        Files.writeString(tmp.resolve("repo/.heirloom-tmp-leftover"), "crash leftover");
        assertThat(t.list("", Optional.empty(), 10).objects()).isEmpty();
        assertThatThrownBy(() -> t.stat("a/.heirloom-tmp-x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badOptionsAndUrisAreConfigurationErrors() {
        assertThatThrownBy(() -> open(tmp.resolve("r"), Map.of("fsync", "maybe")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> open(tmp.resolve("r"), Map.of("maxConcurrency", "0")))
                .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> new LocalTargetProvider().open(TargetConfig.of(URI.create("file:relative/path"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("absolute");
        assertThatThrownBy(() -> new LocalTargetProvider().open(TargetConfig.of(URI.create("file://host/share"))))
                .isInstanceOf(InvalidConfigException.class);
    }

    private static Stream<Path> uncheckedList(Path dir) {
        try {
            return Files.list(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
