package dev.heirloom.repository;

import dev.heirloom.Heirloom;
import dev.heirloom.TestProvider;
import dev.heirloom.Trees;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Repositories as earlier versions wrote them (src/test/resources/repositories, see its README) are
 * still read, verified and added to in their own format.
 */
class EarlierFormatsTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();

    /** The fixture's files, each under its key, as a copy of the target would hold them. */
    private void load(String fixture) throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getResource("/repositories/" + fixture).toURI());
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(file).toString().replace('\\', '/');
                usb.write(key, ContentSource.ofBytes(Files.readAllBytes(file)), WriteOptions.createIfAbsent(
                        dev.heirloom.spi.Checksums.none()));
            }
        }
    }

    private Heirloom heirloom(Path source) {
        return Heirloom.builder().source(source, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .encryption("usb", Encryption.passphrase("fixture passphrase v2")).build();
    }

    @Test
    void anUnpaddedEncryptedRepositoryOfVersion2IsReadVerifiedAndKeptInItsFormat() throws Exception {
        load("encrypted-v2");
        Path back = tmp.resolve("back");
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (Heirloom h = heirloom(src)) {
            RestoreReport report = h.restore("usb", Optional.of("082e4786"), RestoreOptions.into(back));
            assertThat(report.failed()).isEmpty();
            assertThat(Trees.read(back)).containsOnlyKeys("2019/IMG_0001.jpg", "2019/IMG_0002.jpg", "clip.mp4");
            Map<String, String> sha = Map.of(
                    "2019/IMG_0001.jpg", "9be38ecdcec8578dfa9e55806641c4be30361390b72689d38aca44f2370bfc08",
                    "2019/IMG_0002.jpg", "f9cc51869c26f04e1f93e1880e06b78cad6b7d74526e68e9c4114f8809c67ce1",
                    "clip.mp4", "9fa23ceaf9420ba580280a110c18c64a7389c800e2f2eadf0aa46dfc772fa8f3");
            for (Map.Entry<String, String> e : sha.entrySet()) {
                assertThat(MultiDigest.sha256Hex(Files.readAllBytes(back.resolve(e.getKey())))).isEqualTo(e.getValue());
            }
            assertThat(Files.size(back.resolve("2019/IMG_0002.jpg"))).isEqualTo(1_050_004);
            assertThat(h.verify("usb", VerifyLevel.PRESENT, 100).clean()).isTrue();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
            VerifyReport checksums = h.verify("usb", VerifyLevel.CHECKSUM, 100);
            assertThat(checksums.bad()).isEmpty();
            assertThat(checksums.notes()).as("the content verification recorded what it read").isEmpty();
        }

        // a new backup into it writes version 2 files: unpadded, so every reader of the repository still reads it
        Trees.write(src, "2024/new.jpg", "\u00ff\u00d8\u00ff\u00e0 a new photo".getBytes(StandardCharsets.ISO_8859_1));
        try (Heirloom h = heirloom(src)) {
            assertThat(h.backup().succeeded()).isTrue();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
            assertThat(h.verify("usb", VerifyLevel.CHECKSUM, 100).notes()).isEmpty();
        }
        try (InputStream in = usb.read(RepositoryLayout.CONFIG, 0, -1)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"version\":2").doesNotContain("padding");
        }
        // a passphrase added to it opens it as it is: still version 2, still unpadded
        try (Heirloom h = heirloom(src)) {
            h.repository("usb").keySlots().add(Encryption.passphrase("second passphrase"));
        }
        Path again = tmp.resolve("again");
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new TestProvider("t", c -> usb)))
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .encryption("usb", Encryption.passphrase("second passphrase")).build()) {
            assertThat(h.restore("usb", Optional.of("082e4786"), RestoreOptions.into(again)).failed()).isEmpty();
            assertThat(h.verify("usb", VerifyLevel.CONTENT, 100).clean()).isTrue();
        }
        assertThat(Trees.read(again)).isEqualTo(Trees.read(back));
        byte[] photo = "\u00ff\u00d8\u00ff\u00e0 a new photo".getBytes(StandardCharsets.ISO_8859_1);
        String hash = MultiDigest.sha256Hex(photo);
        try (Heirloom h = heirloom(src)) {
            String key = h.repository("usb").objects().key(hash);
            assertThat(usb.stat(key).orElseThrow().size()).as("header 40, tag 16, no padding").isEqualTo(photo.length + 40 + 16);
        }
    }
}
