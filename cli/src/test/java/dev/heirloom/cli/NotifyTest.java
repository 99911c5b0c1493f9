package dev.heirloom.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code heirloom run} tells a webhook, a healthchecks.io-style ping URL and a command how each
 * job went, against a real HTTP server on loopback; a wrong notify value is a configuration error.
 */
class NotifyTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private Process process;
    /** "METHOD path body" of every request the server got. */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private String endpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + body);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Path config(String notify) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("Pictures/2019"));
        Files.writeString(src.resolve("IMG_0001.jpg"), "jpeg bytes");
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: 3-2-1
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                schedule: { backup: "every 1h" }
                notify: %s
                """.formatted(notify));
        return cfg;
    }

    private void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (requests.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void aJobWhosePolicyIsNotMetIsToldToTheWebhookThePingAndTheCommand() throws Exception {
        String base = endpoint();
        Path told = tmp.resolve("told.txt");
        Path script = tmp.resolve("tell.sh");
        Files.writeString(script, "#!/bin/sh\n{ echo \"$HEIRLOOM_JOB $HEIRLOOM_OUTCOME\"; cat; } > " + told + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path cfg = config("{ webhook: \"" + base + "/hook/secret-token\", ping: \"" + base + "/ping/uuid-1\", command: [\""
                + script + "\"] }");
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "dev.heirloom.cli.HeirloomCli", "run", "-c", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile()).start();
        awaitRequests(3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(told) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(tmp.resolve("run.log"));
        assertThat(requests).as(log).anySatisfy(r -> assertThat(r).startsWith("GET /ping/uuid-1/start "));
        assertThat(requests).as("a warning is not a failure: the plain ping").anySatisfy(r -> assertThat(r)
                .isEqualTo("GET /ping/uuid-1 "));
        assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("POST /hook/secret-token {")
                .contains("\"job\":\"backup\"", "\"outcome\":\"warning\"", "policy 3-2-1 not met for 1 files",
                        "\"text\":\"heirloom backup on "));
        assertThat(Files.readString(told)).startsWith("backup warning\n").contains("\"summary\":\"snapshot ");
        assertThat(log).as("the run logs each job with its compliance").contains("backup WARNING: snapshot",
                "policy 3-2-1 not met").doesNotContain("secret-token");
    }

    @Test
    void aSucceededJobIsNotToldUnlessAsked() throws Exception {
        String base = endpoint();
        Path cfg = config("{ webhook: \"" + base + "/hook\", format: text, on: [failed] }");
        // 3-2-1 is not met with one target: a warning, which 'on: [failed]' leaves untold
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "dev.heirloom.cli.HeirloomCli", "run", "-c", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(tmp.resolve("run.log")).contains("backup WARNING") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("run.log"))).contains("backup WARNING");
        assertThat(requests).isEmpty();
    }

    @Test
    void wrongNotifySettingsAreConfigurationErrorsThatNeverQuoteTheUrl() throws Exception {
        for (String wrong : new String[] {"{ webhook: \"ftp://x/secret-token\" }", "{ webhook: \"not a url secret-token\" }",
                "{ on: [sometimes] }", "{ format: text }", "{ command: \"notify-send done\" }", "{ pager: x }"}) {
            Path cfg = config(wrong);
            CliRun r = CliRun.of("plan", "-c", cfg.toString());
            assertThat(r.code()).as(wrong + ": " + r.all()).isEqualTo(HeirloomCli.USAGE);
            assertThat(r.err()).as(wrong).contains("notify").doesNotContain("secret-token");
        }
    }
}
