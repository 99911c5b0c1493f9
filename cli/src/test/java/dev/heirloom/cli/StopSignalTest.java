package dev.heirloom.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C or SIGTERM during a backup leaves no lock behind and no snapshot: the next prune just runs. */
class StopSignalTest {
    @TempDir
    Path tmp;

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            // a lock being created has, for an instant, its temporary beside it (written, then linked to its name)
            return s.filter(p -> !p.getFileName().toString().startsWith(".heirloom-tmp")).count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aStoppedBackupReleasesItsLock(String signal) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        byte[] photo = new byte[1 << 20];
        for (int i = 0; i < 400; i++) {
            ByteBuffer.wrap(photo).putInt(i); // each photo different, so each is stored
            Files.write(src.resolve(String.format("IMG_%04d.jpg", i)), photo);
        }
        Path repo = tmp.resolve("usb/heirloom");
        Files.createDirectories(repo.getParent());
        Path config = tmp.resolve("heirloom.yaml");
        Files.writeString(config, """
                source: { path: Pictures, medium: internal-disk, site: onsite }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "dev.heirloom.cli.HeirloomCli", "backup",
                "--no-progress", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(repo.resolve("locks")) == 0 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(p.isAlive()).as("still backing up when the lock appeared").isTrue();
        assertThat(count(repo.resolve("locks"))).isOne();
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(tmp.resolve("out.txt"));
        assertThat(p.exitValue()).as(printed).isEqualTo(signal.equals("INT") ? 130 : 143);
        assertThat(count(repo.resolve("locks"))).as("no lock left behind; printed:%n%s", printed).isZero();
        assertThat(count(repo.resolve("snapshots"))).as("a stopped backup writes no snapshot").isZero();
        CliRun prune = CliRun.of("prune", "-c", config.toString());
        assertThat(prune.code()).as(prune.all()).isZero();
    }
}
