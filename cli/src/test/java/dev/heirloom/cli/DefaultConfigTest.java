package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** -c may be left out: $HEIRLOOM_CONFIG, then $XDG_CONFIG_HOME/heirloom, then $HOME/.config/heirloom/heirloom.yaml. */
class DefaultConfigTest {
    @TempDir
    Path tmp;

    private String run(Path home, String configEnv) throws Exception {
        return run(home, configEnv, null);
    }

    private String run(Path home, String configEnv, Path xdg) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                "dev.heirloom.cli.HeirloomCli", "status").redirectErrorStream(true);
        pb.environment().remove("HEIRLOOM_CONFIG");
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CONFIG_HOME");
        if (xdg != null) {
            pb.environment().put("XDG_CONFIG_HOME", xdg.toString());
        }
        if (configEnv != null) {
            pb.environment().put("HEIRLOOM_CONFIG", configEnv);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @Test
    void theEnvironmentThenTheStandardPlaceAreUsed() throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        String yaml = "source: { path: " + tmp.resolve("Pictures") + " }\npolicy: { copies: 2, media: 1, offsite: 0 }\n"
                + "targets:\n  - { name: usb, path: " + tmp.resolve("usb/heirloom") + ", medium: external-disk, site: onsite }\n";
        Path cfg = tmp.resolve("mine.yaml");
        Files.writeString(cfg, yaml);
        Files.createDirectories(tmp.resolve("usb"));

        Path emptyHome = Files.createDirectories(tmp.resolve("home-without"));
        assertThat(run(emptyHome, null)).startsWith("2 ").contains("no configuration").contains("HEIRLOOM_CONFIG");
        assertThat(run(emptyHome, cfg.toString())).startsWith("3 ").contains("usb").contains("no snapshot yet");

        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(home.resolve(".config/heirloom"));
        Files.writeString(home.resolve(".config/heirloom/heirloom.yaml"), yaml);
        assertThat(run(home, null)).startsWith("3 ").contains("usb");

        Path xdg = Files.createDirectories(tmp.resolve("xdg/heirloom"));
        Files.writeString(xdg.resolve("heirloom.yaml"), yaml);
        assertThat(run(emptyHome, null, xdg.getParent())).as("$XDG_CONFIG_HOME before ~/.config").startsWith("3 ")
                .contains("usb");
    }
}
