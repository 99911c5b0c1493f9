package dev.heirloom.cli;

import dev.heirloom.testservers.FtpServer;
import dev.heirloom.testservers.RcloneWebdavServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The heirloom command against an FTP server (pyftpdlib) and a WebDAV server (rclone) through provider-vfs. */
class VfsCliTest {
    @TempDir
    Path tmp;

    private void backupRestoreVerify(String uri, String password) throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, uri: "%s", medium: nas, site: offsite, options: { password: "%s" } }
                """.formatted(sample, uri, password));
        CliRun backup = CliRun.of("backup", "--json", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.all()).doesNotContain(password);

        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "--target", "nas", "--to", back.toString(), "-c", cfg.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        try (Stream<Path> files = Files.walk(sample)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".txt")).toList()) {
                String rel = sample.relativize(f).toString();
                assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(f))).as(rel).isTrue();
            }
        }
        CliRun verify = CliRun.of("verify", "--target", "nas", "--level", "content", "-c", cfg.toString());
        assertThat(verify.code()).as(verify.all()).isZero();
        CliRun status = CliRun.of("status", "--json", "-c", cfg.toString());
        assertThat(status.all()).contains("\"nas\"").doesNotContain(password);
    }

    @Test
    void backupRestoreAndVerifyOverFtp() throws Exception {
        try (FtpServer ftp = FtpServer.start(tmp.resolve("ftp"))) {
            backupRestoreVerify("vfs+ftp://" + FtpServer.USER + "@127.0.0.1:" + ftp.port() + "/photos/heirloom",
                    FtpServer.PASSWORD);
            assertThat(ftp.root().resolve("photos/heirloom/heirloom.json")).exists();
        }
    }

    @Test
    void backupRestoreAndVerifyOverWebdav() throws Exception {
        try (RcloneWebdavServer dav = RcloneWebdavServer.start(tmp.resolve("dav"))) {
            backupRestoreVerify("vfs+webdav4://" + RcloneWebdavServer.USER + "@127.0.0.1:" + dav.port()
                    + "/photos/heirloom", RcloneWebdavServer.PASSWORD);
            assertThat(dav.root().resolve("photos/heirloom/heirloom.json")).exists();
        }
    }
}
