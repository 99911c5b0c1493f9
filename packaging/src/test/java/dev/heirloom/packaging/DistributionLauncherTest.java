package dev.heirloom.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The unpacked .tar.gz's bin/heirloom runs from wherever it is unpacked, through a symbolic link too. */
class DistributionLauncherTest {
    @TempDir
    Path tmp;

    private static String run(Path launcher, String java) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        if (java != null) {
            pb.environment().put("JAVA_HOME", java);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void theLauncherFindsItsLibrariesAndAJava() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("opt/heirloom-0.1.0/bin"));
        Files.copy(Path.of("src/dist/bin/heirloom"), home.resolve("heirloom"));
        home.resolve("heirloom").toFile().setExecutable(true);
        Files.createSymbolicLink(home.getParent().resolve("lib"), Path.of("target/lib").toAbsolutePath());
        assertThat(run(home.resolve("heirloom"), null)).startsWith("0 heirloom ");
        Path link = Files.createDirectories(tmp.resolve("bin")).resolve("heirloom");
        Files.createSymbolicLink(link, home.resolve("heirloom"));
        assertThat(run(link, null)).as("through a link in a PATH folder").startsWith("0 heirloom ");
        assertThat(run(link, System.getProperty("java.home"))).as("on $JAVA_HOME").startsWith("0 heirloom ");
    }

    @Test
    void progressIsDrawnOnAStderrTerminalWhileTheReportGoesToAPipe() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("heirloom/bin"));
        Files.copy(Path.of("src/dist/bin/heirloom"), home.resolve("heirloom"));
        home.resolve("heirloom").toFile().setExecutable(true);
        Files.createSymbolicLink(home.getParent().resolve("lib"), Path.of("target/lib").toAbsolutePath());
        Path src = Files.createDirectories(tmp.resolve("Pictures/2019"));
        for (int i = 0; i < 5; i++) {
            Files.write(src.resolve("IMG_" + i + ".jpg"), new byte[100_000 + i]);
        }
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, "source: { path: " + src.getParent() + " }\npolicy: { copies: 2, media: 2, offsite: 0 }\n"
                + "targets:\n  - { name: usb, path: " + tmp.resolve("usb/heirloom") + ", medium: external-disk, site: onsite }\n");
        Path report = tmp.resolve("report.txt");
        // script(1) gives the command a terminal; its stdout goes on to a file, as in 'heirloom backup | tee log'
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", home.resolve("heirloom") + " backup -c " + cfg + " > " + report,
                "/dev/null").redirectErrorStream(true);
        Process p = pb.start();
        String terminal = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(terminal).isZero();
        assertThat(terminal).as("the progress line, on the terminal").contains("\r").contains("100%", "5/5 files", "ETA");
        assertThat(Files.readString(report)).contains("Backup ", "5 files").doesNotContain("\r").doesNotContain("ETA");

        Path restored = tmp.resolve("back");
        Process r = new ProcessBuilder("script", "-qec", home.resolve("heirloom") + " restore -c " + cfg + " --to " + restored
                + " > " + report, "/dev/null").redirectErrorStream(true).start();
        String restoreTerminal = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(r.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(r.exitValue()).as(restoreTerminal).isZero();
        assertThat(restoreTerminal).contains("restore 100%", "5/5");
        assertThat(Files.readString(report)).contains("Restored 5 files");
    }
}
