package dev.heirloom.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code heirloom run} as a real process: schedule state across restarts, watch mode, SIGTERM. */
class RunCommandTest {
    @TempDir
    Path tmp;

    private Process process;

    /** A running {@code heirloom run} and the lines it printed so far. */
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private void start(Path config) throws IOException {
        lines.clear();
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "dev.heirloom.cli.HeirloomCli", "run", "-c", config.toString())
                .redirectErrorStream(true).start();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read error: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private String awaitLine(Predicate<String> p, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line within " + within + "; printed:\n" + String.join("\n", lines));
    }

    private int sigterm() throws InterruptedException {
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue(); // keeps our end of its output open
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM; printed:\n%s",
                String.join("\n", lines)).isTrue();
        return process.exitValue();
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void runsOnScheduleRemembersItsLastRunsBacksUpNewPhotosAndStopsCleanlyOnSigterm() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("IMG_1.jpg"), "photo 1");
        Path config = tmp.resolve("heirloom.yaml");
        Files.writeString(config, """
                source: { path: src, medium: internal-disk, site: onsite }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: usb, medium: external-disk, site: onsite }
                schedule:
                  backup: "0 2 * * *"
                  watch: 1s
                  verify: { when: "every 7d", level: content }
                """);
        Path repo = tmp.resolve("usb");

        start(config);
        awaitLine(l -> l.contains("verify SUCCEEDED"), Duration.ofSeconds(60));
        assertThat(lines).anyMatch(l -> l.contains("backup started (first run)"));
        assertThat(lines).anyMatch(l -> l.contains("backup SUCCEEDED"));
        int code = sigterm();
        assertThat(code).as("killed by SIGTERM after a clean stop").isEqualTo(143);
        assertThat(lines).anyMatch(l -> l.contains("stopping"));
        assertThat(count(repo.resolve("snapshots"))).isEqualTo(1);
        assertThat(count(repo.resolve("locks"))).as("no lock left behind").isZero();
        assertThat(Files.readString(tmp.resolve("heirloom.schedule.json"))).contains("\"backup\"", "\"verify\"");

        // restarted: nothing is due (the state file says so), but a new photo is backed up soon
        start(config);
        awaitLine(l -> l.startsWith("heirloom run:"), Duration.ofSeconds(30));
        Thread.sleep(1500);
        assertThat(lines).noneMatch(l -> l.contains("started"));
        Files.createDirectories(src.resolve("import"));
        Files.writeString(src.resolve("import/IMG_2.jpg"), "photo 2");
        awaitLine(l -> l.contains("backup SUCCEEDED") && l.contains("2 files"), Duration.ofSeconds(30));
        assertThat(lines).anyMatch(l -> l.contains("backup started (watch)"));
        assertThat(sigterm()).isEqualTo(143);
        assertThat(count(repo.resolve("snapshots"))).isEqualTo(2);
        assertThat(count(repo.resolve("locks"))).isZero();

        CliRun verify = CliRun.of("verify", "-c", config.toString(), "--level", "content");
        assertThat(verify.code()).as(verify.all()).isZero();
    }

    @Test
    void theReportPageIsWrittenAfterEachJob() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("IMG_1.jpg"), "photo 1");
        Files.createDirectories(tmp.resolve("usb"));
        Path config = tmp.resolve("heirloom.yaml");
        Files.writeString(config, """
                source: { path: src, medium: internal-disk, site: onsite }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                schedule: { backup: "0 2 * * *" }
                report: { html: pages/report.html }
                """);
        Path page = tmp.resolve("pages/report.html");

        start(config);
        awaitLine(l -> l.contains("backup SUCCEEDED"), Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(page) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(page).as("written after the first-run backup; printed:%n%s", String.join("\n", lines)).exists();
        assertThat(Files.readString(page)).contains("class=\"verdict met\"", "1 photo, 0 videos, 1 file in all");
        assertThat(sigterm()).isEqualTo(143);
    }

    @Test
    void aConfigurationWithoutAScheduleIsAClearUsageError() throws Exception {
        Path config = tmp.resolve("h.yaml");
        Files.createDirectories(tmp.resolve("src"));
        Files.writeString(config, """
                source: { path: src, medium: internal-disk, site: onsite }
                targets:
                  - { name: usb, path: usb, medium: external-disk, site: onsite }
                """);
        CliRun run = CliRun.of("run", "-c", config.toString());
        assertThat(run.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(run.err()).contains("no schedule section");

        Files.writeString(config, Files.readString(config) + "schedule: { backup: \"0 25 * * *\" }\n");
        CliRun bad = CliRun.of("backup", "-c", config.toString());
        assertThat(bad.code()).as("every command checks the schedule section").isEqualTo(HeirloomCli.USAGE);
        assertThat(bad.err()).contains("schedule.backup", "0 25 * * *");
    }
}
