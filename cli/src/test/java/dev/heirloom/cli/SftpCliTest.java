package dev.heirloom.cli;

import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The heirloom command backing up to and restoring from a real OpenSSH server through sftp://. */
class SftpCliTest {
    @TempDir
    Path tmp;

    private OpenSshServer server;

    @BeforeEach
    void start() {
        server = OpenSshServer.start(tmp.resolve("sshd"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void backupToNasOverSftpAndRestoreIsByteIdentical() throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("cloud"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, uri: "%s", medium: nas, site: onsite, options: { identity: "%s", knownHosts: "%s" } }
                  - { name: cloud, path: cloud/heirloom, medium: cloud, site: offsite }
                """.formatted(sample, server.uri(tmp.resolve("nas-share/heirloom")), server.clientKey(), server.knownHosts()));
        Files.createDirectories(tmp.resolve("nas-share"));

        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.out()).containsPattern("nas +ok +6 new objects");

        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "-c", cfg.toString(), "--target", "nas", "--to", back.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        for (String rel : new String[] {"2019/2019-07-beach/IMG_0101.jpg", "2021/2021-12-winter/IMG_2041.heic",
                "2021/2021-12-winter/IMG_2040.xmp", "videos/VID_2021-12-24.mp4", "2021/2021-12-winter/IMG_0101 (copy).jpg"}) {
            assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(sample.resolve(rel))))
                    .as(rel).isTrue();
            assertThat(Files.getLastModifiedTime(back.resolve(rel))).isEqualTo(Files.getLastModifiedTime(sample.resolve(rel)));
        }
        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("Policy 3-2-1: MET");
    }
}
