package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code heirloom init} driven in a terminal (script(1) gives it a pty) by a new user who makes the
 * usual mistakes, to a working first backup.
 */
class InitTest {
    @TempDir
    Path tmp;

    @Test
    void aNewUserAnswersTheQuestionsAndTheFirstBackupWorks() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("Pictures/2019"));
        Files.writeString(photos.resolve("IMG_0001.jpg"), "jpeg bytes");
        Path usb = tmp.resolve("media/usb/heirloom");
        Path nas = tmp.resolve("mnt/nas/heirloom");
        Path cfg = tmp.resolve("home/.config/heirloom/heirloom.yaml");
        String answers = String.join("\n",
                tmp.resolve("Pitcures").toString(),          // a typo: asked again
                tmp.resolve("Pictures").toString(),
                usb.toString(), "usb", "floppy",              // not a medium: the target is asked again
                usb.toString(), "usb", "external-disk", "no", "fsync=true", "nonsense=1", "",
                "ftp-with-no-provider://x/y",                 // no provider for that: asked again
                nas.toString(), "nas", "nas", "yes", "1-not-a-variable", "none", "",
                "",                                           // no more targets
                "3-2-1", "") + "\n";
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = java + " -cp " + System.getProperty("java.class.path")
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.heirloom.cli.HeirloomCli init -c " + cfg;
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(answers.getBytes(StandardCharsets.UTF_8));
        }
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(screen).isZero();
        assertThat(screen).contains("is not a folder", "unknown medium 'floppy'", "no storage provider for scheme",
                "give name=value with one of the names above", "usb: reached and written", "nas: reached and written",
                "Wrote " + cfg);
        String yaml = Files.readString(cfg);
        assertThat(screen).contains("give a variable name (letters, digits, _) or none");
        assertThat(yaml).contains("medium: external-disk, site: onsite", "medium: nas, site: offsite", "fsync: \"true\"",
                "site: offsite, encryption: none",
                "policy: 3-2-1").startsWith("# Written by heirloom init");
        try (var probes = Files.list(usb)) {
            assertThat(probes.map(q -> q.getFileName().toString())).as("the probe was removed").noneMatch(n -> n.startsWith("init-probe"));
        }

        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.out()).contains("Policy 3-2-1: MET");
        CliRun again = CliRun.of("init", "-c", cfg.toString());
        assertThat(again.code()).as("an existing configuration is never replaced unasked").isEqualTo(HeirloomCli.USAGE);
        assertThat(again.err()).contains("exists", "--force");
    }

    @Test
    void aSecretTypedInPlainIsRefusedAndStoppingWritesNothing() throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        Path cfg = tmp.resolve("heirloom.yaml");
        String answers = String.join("\n", tmp.resolve("Pictures").toString(), "sftp://ann@127.0.0.1:1/photos", "nas", "nas",
                "no", "password=hunter2") + "\n"; // then the input ends (Ctrl-D)
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = java + " -cp " + System.getProperty("java.class.path")
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.heirloom.cli.HeirloomCli init -c " + cfg;
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(answers.getBytes(StandardCharsets.UTF_8));
            in.write(4); // Ctrl-D at the start of a line: end of input on a terminal
        }
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(screen).contains("password is a secret: give it as ${env:NAME}", "stopped: nothing written");
        assertThat(cfg).doesNotExist();
    }
}
