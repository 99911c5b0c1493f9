package dev.heirloom.cli;

import dev.heirloom.testservers.AzuriteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample library backed up to an encrypted local folder and an encrypted Azurite container: no
 * byte of either names or shows a photo, a new machine restores it with the passphrase alone, and a
 * wrong passphrase is a usage error that writes nothing.
 */
class EncryptionCliTest {
    private static final String PASSPHRASE = "grand-mère aime les photos de Bretagne";
    private static final Path SAMPLE = Path.of("../examples/sample-library").toAbsolutePath();

    @TempDir
    Path tmp;

    private AzuriteServer azurite;

    @BeforeEach
    void start() {
        azurite = AzuriteServer.start(tmp.resolve("azurite"));
    }

    @AfterEach
    void stop() {
        azurite.close();
    }

    /** What a photo library shows of itself: signatures, EXIF and XMP text, names of files and folders. */
    private static List<String> revealing() {
        return List.of("\u0000\u0010JFIF\u0000", "ftypisom", "ftypheic", "2019:07:14 10:32:00", "x264 - core",
                "x:xmpmeta", "IMG_0102", "IMG_2041", "VID_2021-12-24", "2019-07-beach", "2021-12-winter", "README",
                PASSPHRASE, "aime les photos");
    }

    /** What a backup of the sample library holds (its README is no photo). */
    private static java.util.Map<String, Long> library() throws IOException {
        java.util.Map<String, Long> photos = CrashTrials.contents(SAMPLE);
        photos.remove("README.txt");
        return photos;
    }

    private Path config(String name, String targets) throws IOException {
        Path cfg = tmp.resolve(name);
        Files.writeString(cfg, "source: { path: " + SAMPLE + " }\npolicy: 3-2-1\ntargets:\n" + targets);
        return cfg;
    }

    private String cloud(String passphrase) {
        return "  - { name: cloud, uri: \"azure://family-photos/heirloom\", medium: cloud, site: offsite, options: "
                + "{ connectionString: \"" + azurite.connectionString() + "\", createContainer: \"true\" }, encryption: "
                + "{ passphrase: \"" + passphrase + "\" } }\n";
    }

    @Test
    void nothingStoredShowsAPhotoAndANewMachineRestoresWithThePassphraseAlone() throws Exception {
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("vault"));
        Path cfg = config("heirloom.yaml", """
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: vault, path: vault/heirloom, medium: nas, site: onsite, encryption: { passphrase: "%s" } }
                """.formatted(PASSPHRASE) + cloud(PASSPHRASE));

        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.all()).contains("MET").doesNotContain(PASSPHRASE).doesNotContain("not encrypted");

        List<Path> scanned = new ArrayList<>();
        for (Path root : List.of(tmp.resolve("vault"), tmp.resolve("azurite"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    scanned.add(f);
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (String secret : revealing()) {
                        assertThat(bytes).as(f + " shows " + secret).doesNotContain(secret);
                        assertThat(root.relativize(f).toString()).doesNotContain(secret);
                    }
                }
            }
        }
        assertThat(scanned).as("both stores were scanned").hasSizeGreaterThan(20);
        try (Stream<Path> usb = Files.walk(tmp.resolve("usb"))) {
            assertThat(usb.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("IMG_0102");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).as("the scan finds names where they are in the clear").isTrue();
        }

        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.out()).containsPattern("(?m)^  usb .*\\n +not encrypted; not immutable")
                .containsPattern("(?m)^  vault .*\\n +encrypted; not immutable")
                .containsPattern("(?m)^  cloud .*\\n +encrypted; not immutable");

        // a new machine: nothing but the container and the passphrase
        Path fresh = config("fresh.yaml", cloud(PASSPHRASE));
        CliRun snapshots = CliRun.of("snapshots", "-c", fresh.toString());
        assertThat(snapshots.code()).as(snapshots.all()).isZero();
        Matcher id = Pattern.compile("  ([0-9a-f]{16})  ").matcher(snapshots.out());
        assertThat(id.find()).as(snapshots.out()).isTrue();
        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "-s", id.group(1), "--to", back.toString(), "-c", fresh.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(CrashTrials.contents(back)).isEqualTo(library());

        CliRun verify = CliRun.of("verify", "--level", "content", "-c", fresh.toString());
        assertThat(verify.code()).as(verify.all()).isZero();

        // the wrong passphrase: exit 2, said plainly, nothing written
        Path wrong = config("wrong.yaml", cloud("Grand-mère aime les photos de Bretagne"));
        Path nowhere = tmp.resolve("nowhere");
        CliRun refused = CliRun.of("restore", "-s", id.group(1), "--to", nowhere.toString(), "-c", wrong.toString());
        assertThat(refused.code()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err()).contains("the passphrase (or key file) does not open this encrypted repository")
                .doesNotContain("Exception").doesNotContain("Grand-mère");
        assertThat(nowhere).doesNotExist();
        assertThat(CliRun.of("snapshots", "-c", wrong.toString()).code()).isEqualTo(2);
    }

    @Test
    void aPassphraseChangeKeepsEveryPhotoAndRetiresTheOldOne() throws Exception {
        Path cfg = config("heirloom.yaml", cloud(PASSPHRASE));
        assertThat(CliRun.of("backup", "-c", cfg.toString()).code()).isEqualTo(3); // one copy: 3-2-1 is not met
        CliRun passwd = CliRun.of("key", "passwd", "-t", "cloud", "--new-key-file", write("new.key", "a long new secret\n"),
                "-c", cfg.toString());
        assertThat(passwd.code()).as(passwd.all()).isZero();
        assertThat(passwd.out()).contains("added key slot").contains("removed key slot");
        assertThat(CliRun.of("snapshots", "-c", cfg.toString()).code()).as("the old passphrase").isEqualTo(2);

        Path viaKeyFile = config("key-file.yaml", cloud(PASSPHRASE).replace("{ passphrase: \"" + PASSPHRASE + "\" }",
                "{ keyFile: new.key }"));
        CliRun list = CliRun.of("key", "list", "-t", "cloud", "--json", "-c", viaKeyFile.toString());
        assertThat(list.code()).as(list.all()).isZero();
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out());
        assertThat(doc.get("command").asText()).isEqualTo("key");
        assertThat(doc.get("slots")).hasSize(1);
        assertThat(doc.get("slots").get(0).get("opened").asBoolean()).isTrue();
        assertThat(com.networknt.schema.SchemaRegistry.withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("../docs/schemas/key.schema.json"))).validate(doc))
                .as("docs/schemas/key.schema.json").isEmpty();
        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "--to", back.toString(), "-c", viaKeyFile.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(CrashTrials.contents(back)).isEqualTo(library());
    }

    @Test
    void anOffsiteTargetInTheClearIsPointedOutUnlessSaidOnPurpose() throws Exception {
        Files.createDirectories(tmp.resolve("usb"));
        Path plain = config("plain.yaml", """
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: cloud, path: usb/cloud, medium: cloud, site: offsite }
                """);
        assertThat(CliRun.of("plan", "-c", plain.toString()).out())
                .contains("target cloud is offsite and not encrypted");
        Path onPurpose = config("on-purpose.yaml", """
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: cloud, path: usb/cloud, medium: cloud, site: offsite, encryption: none }
                """);
        assertThat(CliRun.of("plan", "-c", onPurpose.toString()).out()).doesNotContain("not encrypted");
        Path bad = config("bad.yaml", """
                  - { name: cloud, path: usb/cloud, medium: cloud, site: offsite, encryption: yes }
                """);
        CliRun refused = CliRun.of("plan", "-c", bad.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("targets[0].encryption: write none");
    }

    private String write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p.toString();
    }
}
