package dev.heirloom.cli;

import dev.heirloom.testservers.AzuriteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The heirloom command backing up to and restoring from Azurite through azure://. */
class AzureCliTest {
    @TempDir
    Path tmp;

    private AzuriteServer azurite;

    @BeforeEach
    void start() {
        azurite = AzuriteServer.start(tmp.resolve("azurite"));
    }

    @AfterEach
    void stop() {
        azurite.close();
    }

    @Test
    void backupToAzureAndRestoreIsByteIdenticalWithoutPrintingTheKey() throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("nas"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, path: nas/heirloom, medium: nas, site: onsite }
                  - { name: cloud, uri: "azure://family-photos/heirloom", medium: cloud, site: offsite, options: { connectionString: "%s", createContainer: "true" } }
                """.formatted(sample, azurite.connectionString()));

        CliRun backup = CliRun.of("backup", "--json", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.all()).doesNotContain(azurite.accountKey());

        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "--target", "cloud", "--to", back.toString(), "-c", cfg.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        for (String rel : new String[] {"2019/2019-07-beach/IMG_0102.jpg", "2021/2021-12-winter/IMG_2041.heic",
                "videos/VID_2021-12-24.mp4"}) {
            assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(sample.resolve(rel)))).as(rel).isTrue();
        }
        CliRun status = CliRun.of("status", "--json", "-c", cfg.toString());
        assertThat(status.code()).isZero();
        assertThat(status.all()).contains("\"cloud\"").doesNotContain(azurite.accountKey());
    }
}
