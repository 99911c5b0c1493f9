package dev.heirloom.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the crash trials share: the command line in a process of its own, to kill, and a folder's contents to compare. */
final class CrashTrials {
    private CrashTrials() {
    }

    /**
     * Starts {@code heirloom ARGS -c CONFIG} in a new JVM (quick to start, errors only on its
     * output), with extra JVM options such as {@code -Dheirloom.crashAt=...}; output goes to {@code output}.
     */
    static Process heirloom(Path config, Path output, List<String> jvm, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.heirloom.cli.HeirloomCli"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-c", config.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** {@code verify --level LEVEL} exits 0 and finds every snapshot whole. */
    static void assertVerifies(Path config, String level, String when) {
        CliRun verify = CliRun.of("verify", "--level", level, "-c", config.toString());
        assertThat(verify.code()).as(when + ": " + verify.all()).isZero();
        assertThat(verify.out()).as(when).contains("all good");
    }

    /** The latest snapshot on {@code target} restores to {@code back} byte for byte as {@code source}, and content verify passes. */
    static void assertRestoresTheSource(Path config, String target, Path back, Path source) throws IOException {
        CliRun restore = CliRun.of("restore", "--from", target, "--to", back.toString(), "-c", config.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(contents(back)).isEqualTo(contents(source));
        assertVerifies(config, "content", "after the last run");
    }

    /** Every file under {@code root} by relative path, with its length and CRC-32C. */
    static Map<String, Long> contents(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(bytes);
                out.put(root.relativize(p).toString(), crc.getValue() ^ ((long) bytes.length << 32));
            }
        }
        return out;
    }
}
