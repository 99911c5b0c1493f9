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
}
