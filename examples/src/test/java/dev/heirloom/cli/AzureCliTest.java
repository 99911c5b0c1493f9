package dev.heirloom.cli;

import dev.heirloom.tck.servers.AzuriteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    private int run(StringWriter out, Path cfg, String... args) {
        CommandLine cl = HeirloomCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-c";
        all[args.length + 1] = cfg.toString();
        return cl.execute(all);
    }

    @Test
    void backupToAzureAndRestoreIsByteIdenticalWithoutPrintingTheKey() throws Exception {
        Path sample = Path.of("sample-library").toAbsolutePath();
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

        StringWriter backup = new StringWriter();
        assertThat(run(backup, cfg, "backup", "--json")).as(backup.toString()).isZero();
        assertThat(backup.toString()).doesNotContain(azurite.accountKey());

        StringWriter restore = new StringWriter();
        Path back = tmp.resolve("back");
        assertThat(run(restore, cfg, "restore", "--target", "cloud", "--to", back.toString())).as(restore.toString()).isZero();
        for (String rel : new String[] {"2019/2019-07-beach/IMG_0102.jpg", "2021/2021-12-winter/IMG_2041.heic",
                "videos/VID_2021-12-24.mp4"}) {
            assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(sample.resolve(rel)))).as(rel).isTrue();
        }
        StringWriter status = new StringWriter();
        assertThat(run(status, cfg, "status", "--json")).isZero();
        assertThat(status.toString()).contains("\"cloud\"").doesNotContain(azurite.accountKey());
    }
}
