package dev.heirloom.cli;

import dev.heirloom.testservers.GcsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The heirloom command backing up to and restoring from the GCS test server through gs://. */
class GcsCliTest {
    @TempDir
    Path tmp;

    private GcsTestServer server;

    @BeforeEach
    void start() throws IOException {
        server = GcsTestServer.start();
        server.createBucket("family-photos");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void backupToGcsAndRestoreIsByteIdenticalAndTheChecksumLevelNeedsNoDownload() throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 3, media: 2, offsite: 1 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: cloud, uri: "gs://family-photos/heirloom", medium: cloud, site: offsite, options: { endpoint: "%s", anonymous: "true", chunkSizeMiB: "1", resumeDir: "%s" } }
                """.formatted(sample, server.endpoint(), tmp.resolve("resume")));
        Files.createDirectories(tmp.resolve("usb"));

        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();

        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "--target", "cloud", "--to", back.toString(), "-c", cfg.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        for (String rel : new String[] {"2019/2019-07-beach/IMG_0102.jpg", "2021/2021-12-winter/IMG_2041.heic",
                "videos/VID_2021-12-24.mp4"}) {
            assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(sample.resolve(rel)))).as(rel).isTrue();
        }

        String victim = server.names("family-photos").stream().filter(n -> n.startsWith("heirloom/objects/")).findFirst().orElseThrow();
        server.corrupt("family-photos", victim, 10);
        int downloadsBefore = server.downloads().size();
        CliRun verify = CliRun.of("verify", "--target", "cloud", "--level", "checksum", "-c", cfg.toString());
        assertThat(verify.code()).as(verify.all()).isEqualTo(HeirloomCli.FAILED);
        assertThat(verify.all()).contains(victim.substring(victim.lastIndexOf('/') + 1, victim.lastIndexOf('/') + 13));
        assertThat(server.downloads().subList(downloadsBefore, server.downloads().size()))
                .as("found by the service's checksums, no photo downloaded").noneMatch(n -> n.startsWith("heirloom/objects/"));

        CliRun repair = CliRun.of("repair", "--target", "cloud", "-c", cfg.toString());
        assertThat(repair.code()).as(repair.all()).isZero();
        assertThat(CliRun.of("verify", "--target", "cloud", "--level", "content", "-c", cfg.toString()).code()).isZero();
    }
}
