package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's --json document matches its schema in docs/schemas (docs/json.md), failures included. */
class JsonSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMAS = Path.of("..", "docs", "schemas");

    @TempDir
    Path tmp;

    private static void write(Path root, String rel, String content, long millis) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.fromMillis(millis));
    }

    private static Schema schema(String name) throws Exception {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SCHEMAS.resolve(name + ".schema.json")));
    }

    private static JsonNode valid(String schema, CliRun run) throws Exception {
        JsonNode doc = JSON.readTree(run.out());
        List<Error> errors = schema(schema).validate(doc);
        assertThat(errors).as(schema + ": " + run.out()).isEmpty();
        return doc;
    }

    @Test
    void eachLineOfRunIsAJobDocument() throws Exception {
        JsonNode line = JSON.readTree("{\"schemaVersion\":1,\"command\":\"run\",\"job\":\"backup\",\"reason\":\"first run\","
                + "\"started\":\"2026-12-01T00:00:00Z\",\"finished\":\"2026-12-01T00:00:01Z\",\"status\":\"succeeded\","
                + "\"summary\":\"snapshot 1a2b\"}");
        assertThat(schema("run").validate(line)).isEmpty();
        java.io.StringWriter w = new java.io.StringWriter();
        Output.jsonLine(new java.io.PrintWriter(w, true), "run", new dev.heirloom.schedule.JobOutcome("backup", "first run",
                java.time.Instant.parse("2026-12-01T00:00:00Z"), java.time.Instant.parse("2026-12-01T00:00:01Z"),
                dev.heirloom.schedule.JobStatus.WARNING, "policy 3-2-1 not met for 1 files"));
        assertThat(w.toString().trim()).doesNotContain("\n");
        assertThat(schema("run").validate(JSON.readTree(w.toString()))).as(w.toString()).isEmpty();
    }

    @Test
    void theSchemasRefuseWhatTheyDoNotDescribe() throws Exception {
        assertThat(schema("error").validate(JSON.readTree("{\"schemaVersion\": 1, \"command\": \"ls\"}"))).isNotEmpty();
        assertThat(schema("stats").validate(JSON.readTree("{\"schemaVersion\": 2, \"command\": \"stats\", \"targets\": []}")))
                .isNotEmpty();
        assertThat(schema("status").validate(JSON.readTree("{\"schemaVersion\": 1, \"command\": \"status\", \"targets\": "
                + "[{\"name\": \"usb\", \"uri\": \"file:///x\", \"medium\": \"EXTERNAL_DISK\", \"site\": \"onsite\"}], "
                + "\"compliance\": {\"policy\": {}, \"totalFiles\": 1, \"compliantFiles\": 1}}"))).as("an enum's Java name")
                .isNotEmpty();
    }

    @Test
    void everyDocumentMatchesItsSchema() throws Exception {
        Path src = tmp.resolve("Pictures");
        write(src, "2019/IMG_0001.jpg", "jpeg bytes 1", 1_600_000_000_000L);
        write(src, "2019/IMG_0002.jpg", "jpeg bytes 2", 1_600_000_001_000L);
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: { copies: 2, media: 2, offsite: 0 }
                retention: { daily: 7 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        String c = cfg.toString();
        JsonNode first = valid("backup", CliRun.of("backup", "-c", c, "--json"));
        write(src, "2019/IMG_0003.jpg", "jpeg bytes 3", 1_600_000_002_000L);
        valid("backup", CliRun.of("backup", "-c", c, "--json"));
        String id = first.get("snapshotId").asText().substring(0, 8);

        valid("plan", CliRun.of("plan", "-c", c, "--json"));
        JsonNode status = valid("status", CliRun.of("status", "-c", c, "--json"));
        assertThat(status.at("/targets/0/medium").asText()).as("the configuration's spelling").isEqualTo("external-disk");
        assertThat(status.at("/targets/0").has("error")).as("absent fields are left out, not null").isFalse();
        JsonNode snapshots = valid("snapshots", CliRun.of("snapshots", "-c", c, "--json"));
        assertThat(snapshots.at("/targets/0/name").asText()).isEqualTo("usb");
        valid("verify", CliRun.of("verify", "-c", c, "--json", "--level", "content"));
        valid("restore", CliRun.of("restore", "-c", c, "--json", "--to", tmp.resolve("back").toString()));
        valid("ls", CliRun.of("ls", "-c", c, "--json", "latest"));
        valid("find", CliRun.of("find", "-c", c, "--json", "IMG_0001.jpg"));
        valid("diff", CliRun.of("diff", "-c", c, "--json", id, "latest"));
        valid("stats", CliRun.of("stats", "-c", c, "--json"));
        JsonNode verify = valid("verify", CliRun.of("verify", "-c", c, "--json"));
        assertThat(verify.at("/results/0/level").asText()).as("an enum as the configuration spells it").isEqualTo("present");
        valid("repair", CliRun.of("repair", "-c", c, "--json"));
        valid("forget", CliRun.of("forget", "-c", c, "--json", "--dry-run"));
        valid("prune", CliRun.of("prune", "-c", c, "--json", "--dry-run"));
        valid("unlock", CliRun.of("unlock", "-c", c, "--json"));

        CliRun failed = CliRun.of("ls", "-c", c, "--json", "latest", "2020");
        assertThat(failed.code()).isEqualTo(HeirloomCli.USAGE);
        JsonNode error = valid("error", failed);
        assertThat(error.at("/command").asText()).isEqualTo("ls");
        assertThat(error.at("/error/exitCode").asInt()).isEqualTo(HeirloomCli.USAGE);
        assertThat(error.at("/error/message").asText()).contains("holds no 2020");
    }
}
