package dev.heirloom.provider.vfs;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.testservers.FtpServer;
import dev.heirloom.testservers.ProftpdServer;
import dev.heirloom.verify.BadObject;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An FTP server that computes SHA-256 (HASH): uploads are checked there, and verify downloads nothing. */
class FtpHashTest {
    @TempDir
    Path tmp;

    private static StorageTarget open(int port, String user, String password, String path) {
        return new FtpVfsProvider().open(new TargetConfig(URI.create("vfs+ftp://" + user + "@127.0.0.1:" + port + path),
                Map.of("password", password)));
    }

    @Test
    void everyUploadIsHashedByTheServerBeforeItIsPublished() throws Exception {
        try (ProftpdServer server = ProftpdServer.start(tmp.resolve("proftpd"));
             StorageTarget target = open(server.port(), ProftpdServer.USER, ProftpdServer.PASSWORD, "/photos")) {
            assertThat(target.capabilities().serverHashing()).isTrue();
            byte[] photo = "a photo of the beach".getBytes(StandardCharsets.UTF_8);
            String sha = MultiDigest.sha256Hex(photo);
            target.write("objects/" + sha.substring(0, 2) + "/" + sha, ContentSource.ofBytes(photo),
                    WriteOptions.createIfAbsent(Checksums.sha256(sha)));

            java.util.List<String> commands = server.commands();
            int hashed = java.util.stream.IntStream.range(0, commands.size())
                    .filter(i -> commands.get(i).startsWith("HASH /photos/.heirloom-tmp/")).findFirst().orElse(-1);
            int renamed = java.util.stream.IntStream.range(0, commands.size())
                    .filter(i -> commands.get(i).startsWith("RNTO ") && commands.get(i).endsWith(sha)).findFirst().orElse(-1);
            assertThat(hashed).as("the temporary was hashed on the server: %s", commands).isNotNegative();
            assertThat(renamed).as("then renamed to its key: %s", commands).isGreaterThan(hashed);
            assertThat(target.hashOnServer("objects/" + sha.substring(0, 2) + "/" + sha).get(ChecksumAlgorithm.SHA256))
                    .contains(sha);
            assertThatThrownBy(() -> target.hashOnServer("objects/00/nothing-here")).isInstanceOf(ObjectNotFoundException.class);

            // bytes that change on the server's disk show in its hash
            Path stored = server.root().resolve("photos/objects/" + sha.substring(0, 2) + "/" + sha);
            Files.write(stored, "a photo of the bEach".getBytes(StandardCharsets.UTF_8));
            assertThat(target.hashOnServer("objects/" + sha.substring(0, 2) + "/" + sha).get(ChecksumAlgorithm.SHA256))
                    .isPresent().get().isNotEqualTo(sha);
        }
    }

    @Test
    void aServerWithoutHashIsCheckedBySizeAndSaysSo() throws Exception {
        try (FtpServer server = FtpServer.start(tmp.resolve("pyftpdlib"));
             StorageTarget target = open(server.port(), FtpServer.USER, FtpServer.PASSWORD, "/photos")) {
            assertThat(target.capabilities().serverHashing()).isFalse();
            assertThatThrownBy(() -> target.hashOnServer("objects/ab/ab")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void checksumVerificationDownloadsNothingAndFindsADamagedPhoto() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures/2019"));
        Files.writeString(src.resolve("beach.jpg"), "the beach, 2019");
        Files.writeString(src.resolve("dune.jpg"), "the dune, 2019");
        try (ProftpdServer server = ProftpdServer.start(tmp.resolve("proftpd"))) {
            TargetSpec nas = new TargetSpec("nas", URI.create("vfs+ftp://" + ProftpdServer.USER + "@127.0.0.1:"
                    + server.port() + "/heirloom"), Medium.NAS, Site.ONSITE, Map.of("password", ProftpdServer.PASSWORD));
            try (Heirloom h = Heirloom.builder().source(tmp.resolve("Pictures"), MediaFilter.photosAndVideos())
                    .target(nas).build()) {
                assertThat(h.backup().targets()).allSatisfy(t -> assertThat(t.succeeded()).isTrue());
                VerifyReport clean = h.verify("nas", VerifyLevel.CHECKSUM, 100);
                assertThat(clean.clean()).isTrue();
                assertThat(clean.bytesRead()).as("nothing downloaded").isZero();
                assertThat(clean.notes()).anyMatch(n -> n.contains("computed the SHA-256 of 2 object(s) on the server"));

                String beach = MultiDigest.sha256Hex("the beach, 2019".getBytes(StandardCharsets.UTF_8));
                Files.writeString(server.root().resolve("heirloom/objects/" + beach.substring(0, 2) + "/" + beach),
                        "the bEach, 2019");
                VerifyReport damaged = h.verify("nas", VerifyLevel.CHECKSUM, 100);
                assertThat(damaged.bytesRead()).isZero();
                assertThat(damaged.bad()).extracting(BadObject::hash).containsExactly(beach);
                assertThat(damaged.bad().get(0).paths()).anyMatch(p -> p.endsWith("2019/beach.jpg"));
            }
        }
    }
}
