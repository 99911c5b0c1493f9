package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.heirloom.testservers.GcsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * An encrypted, immutable offsite copy on the GCS test server (object retention enforced) as the
 * heirloom command shows it: 3-2-1-1-0 met only once a lock extension has shown every needed file
 * locked and a verification found no error, and a key slot that the store keeps locked.
 */
class ImmutableGcsCliTest {
    private static final Path SAMPLE = Path.of("../examples/sample-library").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private GcsTestServer server;

    @BeforeEach
    void start() {
        try {
            server = GcsTestServer.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.createBucketWithObjectRetention("vault");
        server.createBucket("plain");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path config(String bucket, String immutableDays) throws Exception {
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("nas"));
        Path cfg = tmp.resolve(bucket + ".yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1-1-0
                targets:
                  - { name: usb, path: usb/%s, medium: external-disk, site: onsite }
                  - { name: nas, path: nas/%s, medium: nas, site: onsite }
                  - { name: cloud, uri: "gs://%s/heirloom", medium: cloud, site: offsite, immutableDays: %s, encryption: { passphrase: "a long family passphrase" }, options: { endpoint: "%s", anonymous: "true", resumeDir: "%s" } }
                """.formatted(SAMPLE, bucket, bucket, bucket, immutableDays, server.endpoint(), tmp.resolve("resume")));
        return cfg;
    }

    @Test
    void threeTwoOneOneZeroIsMetOnceTheLocksAreShownAndTheCopiesVerified() throws Exception {
        Path cfg = config("vault", "30");
        CliRun plan = CliRun.of("plan", "-c", cfg.toString());
        assertThat(plan.out()).as(plan.all()).doesNotContain("no target is offline or locked");

        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        String slot = server.names("vault").stream().filter(n -> n.startsWith("heirloom/keys/")).findFirst().orElseThrow();
        assertThat(server.retainUntil("vault", slot)).as("the key slot is locked too")
                .hasValueSatisfying(t -> assertThat(t).isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(Duration.ofMinutes(2))));

        assertThat(CliRun.of("verify", "--level", "content", "-c", cfg.toString()).code()).isZero();
        CliRun before = CliRun.of("status", "-c", cfg.toString());
        assertThat(before.code()).as(before.all()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(before.out()).containsPattern("(?m)^  cloud .*\\n +encrypted; not immutable \\(files are locked as they "
                + "are written, but no lock extension has checked them yet");

        CliRun extend = CliRun.of("extend-locks", "-c", cfg.toString());
        assertThat(extend.code()).as(extend.all()).isZero();
        assertThat(extend.out()).containsPattern("cloud: \\d+ files needed, 0 locks extended; all locked until 20");

        CliRun after = CliRun.of("status", "-c", cfg.toString());
        assertThat(after.code()).as(after.all()).isZero();
        assertThat(after.out()).containsPattern("(?m)^  cloud .*\\n +encrypted; immutable: locked until 20")
                .contains("Policy 3-2-1-1-0: MET").contains("1 offline or locked");

        JsonNode status = JSON.readTree(CliRun.of("status", "-c", cfg.toString(), "--json").out());
        JsonNode cloud = status.get("targets").get(2);
        assertThat(cloud.get("immutable").asBoolean()).isTrue();
        assertThat(Instant.parse(cloud.get("lockedUntil").asText())).isAfter(Instant.now().plus(Duration.ofDays(29)));
        assertThat(status.get("targets").get(0).get("immutable").asBoolean()).isFalse();

        CliRun json = CliRun.of("extend-locks", "-c", cfg.toString(), "--json");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("..", "docs", "schemas", "extend-locks.schema.json"))).validate(doc))
                .as(json.out()).isEmpty();
        assertThat(doc.get("results").get(0).get("problems")).isEmpty();

        CliRun add = CliRun.of("key", "add", "-t", "cloud", "--new-passphrase-env", "PATH", "-c", cfg.toString());
        assertThat(add.code()).as(add.all()).isZero();
        java.util.regex.Matcher added = java.util.regex.Pattern.compile("added key slot ([0-9a-f]+)").matcher(add.out());
        assertThat(added.find()).as(add.out()).isTrue();
        String id = added.group(1);
        CliRun remove = CliRun.of("key", "remove", id, "-t", "cloud", "-c", cfg.toString());
        assertThat(remove.code()).as(remove.all()).isEqualTo(HeirloomCli.FAILED);
        assertThat(remove.err()).contains("key slot " + id + " cannot be removed: the target keeps it locked until");
        assertThat(server.names("vault")).contains(slot, "heirloom/keys/" + id + ".json");
    }

    @Test
    void aBucketWithoutObjectRetentionIsNeverCalledImmutable() throws Exception {
        Path cfg = config("plain", "30");
        CliRun plan = CliRun.of("plan", "-c", cfg.toString());
        assertThat(plan.out()).as(plan.all()).contains("target cloud has immutableDays, but its store cannot lock objects")
                .contains("no target is offline or locked against deletion");
        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.out()).contains("not immutable (immutableDays is set, but its store cannot lock objects");
        CliRun extend = CliRun.of("extend-locks", "-c", cfg.toString());
        assertThat(extend.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(extend.err()).contains("cannot lock objects");
    }

    @Test
    void initAsksForALockWhereTheStoreCanLockAndSchedulesItsExtension() throws Exception {
        Path cfg = tmp.resolve("init.yaml");
        String answers = String.join("\n", SAMPLE.toString(),
                "gs://vault/heirloom", "cloud", "cloud", "yes", "none",
                "endpoint=" + server.endpoint(), "anonymous=true", "resumeDir=" + tmp.resolve("resume"), "",
                "thirty", "14",                               // not a number: asked again
                "", "3-2-1-1-0", "") + "\n";
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String command = javaCommand + " -cp " + System.getProperty("java.class.path")
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.heirloom.cli.HeirloomCli init -c " + cfg;
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(answers.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String screen = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(screen).isZero();
        assertThat(screen).contains("This store can lock files", "give a whole number of days");
        String yaml = Files.readString(cfg);
        assertThat(yaml).contains("encryption: none, immutableDays: 14 }", "extendLocks: \"0 3 * * *\"");
        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.all()).doesNotContain("FAILED");
        String object = server.names("vault").stream().filter(n -> n.startsWith("heirloom/objects/")).findFirst().orElseThrow();
        assertThat(server.retainUntil("vault", object)).hasValueSatisfying(t -> assertThat(t)
                .isCloseTo(Instant.now().plus(Duration.ofDays(14)), within(Duration.ofMinutes(2))));
    }

    @Test
    void aLockPeriodOfTheWrongTypeIsAnError() throws Exception {
        for (String bad : new String[] {"\"thirty\"", "0", "30.5", "3651"}) {
            CliRun plan = CliRun.of("plan", "-c", config("vault", bad).toString());
            assertThat(plan.code()).as(bad + ": " + plan.all()).isEqualTo(HeirloomCli.USAGE);
            assertThat(plan.err()).contains("targets[2].immutableDays");
        }
    }
}
