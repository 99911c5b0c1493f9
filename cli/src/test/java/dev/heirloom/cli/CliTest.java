package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The heirloom command end to end on real folders with provider-local. */
class CliTest {
    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path library() throws IOException {
        Path src = tmp.resolve("Pictures");
        write(src, "2019/beach/IMG_0101.jpg", "jpeg bytes 1");
        write(src, "2019/beach/IMG_0102.jpg", "jpeg bytes 2");
        write(src, "2021/winter/IMG_2041.heic", "heic bytes");
        write(src, "2021/winter/IMG_2041.xmp", "<xmp/>");
        write(src, "videos/VID_1.mp4", "mp4 ".repeat(50_000));
        write(src, "2021/.thumbnails/IMG_2041.jpg", "thumbnail, excluded");
        return src;
    }

    private static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_000L + rel.length() * 1000L));
    }

    private Path config(String targets) throws IOException {
        Path file = tmp.resolve("heirloom.yaml");
        Files.writeString(file, """
                source: { path: Pictures, medium: internal-disk, site: onsite, include: [photos, videos, sidecars], exclude: ["**/.thumbnails/**"] }
                policy: 3-2-1
                targets:
                """ + targets);
        return file;
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                m.put(root.relativize(p).toString(), Files.readString(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    @Test
    void backupThenRestoreIsByteIdenticalAndExitsZeroWhenCompliant() throws Exception {
        Path src = library();
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, path: nas/heirloom, medium: nas, site: onsite }
                  - { name: cloud, uri: "%s", medium: cloud, site: offsite }
                """.formatted(tmp.resolve("cloud/heirloom").toUri()));
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("nas"));
        Files.createDirectories(tmp.resolve("cloud"));

        CliRun backup = run("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.out() + backup.err()).isEqualTo(HeirloomCli.OK);
        assertThat(backup.out()).contains("5 files", "Policy 3-2-1: MET");

        CliRun restore = run("restore", "-c", cfg.toString(), "--target", "cloud", "--to", tmp.resolve("back").toString());
        assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
        Map<String, String> expected = tree(src);
        expected.remove("2021/.thumbnails/IMG_2041.jpg");
        assertThat(tree(tmp.resolve("back"))).isEqualTo(expected);

        CliRun again = run("restore", "-c", cfg.toString(), "--target", "usb", "-s", "latest", "--to", tmp.resolve("back").toString());
        assertThat(again.out()).contains("Restored 0 files", "5 already there");

        CliRun snapshots = run("snapshots", "-c", cfg.toString(), "--json");
        assertThat(snapshots.code()).isZero();
        assertThat(snapshots.out()).contains("\"usb\"", "\"cloud\"", "\"root\"");

        CliRun status = run("status", "-c", cfg.toString());
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("Policy 3-2-1: MET");
    }

    @Test
    void verifyFindsAFlippedByteAndNamesThePhoto() throws Exception {
        library();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        assertThat(run("backup", "-c", cfg.toString()).code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        CliRun clean = run("verify", "-c", cfg.toString(), "--level", "content");
        assertThat(clean.code()).as(clean.all()).isZero();
        assertThat(clean.out()).contains("content check of 5 objects", "all good");

        String hash;
        try (Stream<Path> s = Files.walk(tmp.resolve("usb/heirloom/objects"))) {
            Path object = s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.size(p) == "heic bytes".length();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).findFirst().orElseThrow();
            Files.writeString(object, "HEIC bytes");
            hash = object.getFileName().toString();
        }
        CliRun present = run("verify", "-c", cfg.toString());
        assertThat(present.code()).as("same size: presence cannot tell").isZero();
        CliRun content = run("verify", "-c", cfg.toString(), "--level", "content");
        assertThat(content.code()).isEqualTo(HeirloomCli.FAILED);
        assertThat(content.out()).contains("1 BAD", "CORRUPT " + hash, "2021/winter/IMG_2041.heic");
        CliRun status = run("status", "-c", cfg.toString());
        assertThat(status.out()).contains("verified content", "1 BAD");
        CliRun repair = run("repair", "-c", cfg.toString());
        assertThat(repair.code()).as(repair.all()).isZero();
        assertThat(repair.out()).contains("REPAIRED " + hash + " from source:2021/winter/IMG_2041.heic", "healed");
        assertThat(run("verify", "-c", cfg.toString(), "--level", "content").code()).isZero();
        CliRun checksum = run("verify", "-c", cfg.toString(), "--level", "checksum");
        assertThat(checksum.code()).as("a local disk keeps no checksums").isZero();
        assertThat(checksum.out()).contains("keeps no server-side checksums");
        CliRun bad = run("verify", "-c", cfg.toString(), "--level", "fast");
        assertThat(bad.code()).isEqualTo(HeirloomCli.USAGE);
    }

    private static Path objectOf(Path repo, String content) throws IOException {
        String hash = dev.heirloom.spi.MultiDigest.sha256Hex(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return repo.resolve("objects/" + hash.substring(0, 2) + "/" + hash);
    }

    @Test
    void aFlippedByteIsRepairedFromAnotherTargetAndALostObjectFailsLoudly() throws Exception {
        Path src = library();
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("cloud"));
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: cloud, path: cloud/heirloom, medium: cloud, site: offsite }
                """);
        assertThat(run("backup", "-c", cfg.toString()).code()).isZero();
        Path photo = src.resolve("2019/beach/IMG_0101.jpg");
        Files.writeString(photo, "edited since the backup");
        FileTime editedAt = Files.getLastModifiedTime(photo);
        Path damaged = objectOf(tmp.resolve("usb/heirloom"), "jpeg bytes 1");
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[3] ^= 0x01;
        Files.write(damaged, bytes);

        assertThat(run("verify", "-c", cfg.toString(), "--target", "usb").code()).as("present passes").isZero();
        CliRun content = run("verify", "-c", cfg.toString(), "--target", "usb", "--level", "content");
        assertThat(content.code()).isEqualTo(HeirloomCli.FAILED);
        assertThat(content.out()).contains("CORRUPT", ":2019/beach/IMG_0101.jpg");
        CliRun status = run("status", "-c", cfg.toString());
        assertThat(status.code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        // the source holds an edited version now, so it is no copy of the one backed up
        assertThat(status.out()).contains("2019/beach/IMG_0101.jpg: 1 copies (cloud)", "usb (failed verification)",
                "source (deleted or changed there since the snapshot)");

        CliRun repair = run("repair", "-c", cfg.toString(), "--target", "usb", "--json");
        assertThat(repair.code()).as(repair.all()).isZero();
        assertThat(repair.out()).contains("\"from\" : \"target:cloud\"");
        assertThat(run("verify", "-c", cfg.toString(), "--target", "usb", "--level", "content").code()).isZero();
        CliRun after = run("status", "-c", cfg.toString());
        assertThat(after.code()).as("the backed-up version has its two copies back; the edit is not backed up yet")
                .isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(after.out()).contains("2019/beach/IMG_0101.jpg: 2 copies (usb, cloud)").doesNotContain("failed verification");
        assertThat(run("backup", "-c", cfg.toString()).code()).as("after backing the edit up: compliant").isZero();
        assertThat(Files.readString(photo)).as("the source was not touched").isEqualTo("edited since the backup");
        assertThat(Files.getLastModifiedTime(photo)).isEqualTo(editedAt);

        Files.delete(objectOf(tmp.resolve("usb/heirloom"), "jpeg bytes 2"));
        Files.delete(objectOf(tmp.resolve("cloud/heirloom"), "jpeg bytes 2"));
        Files.delete(src.resolve("2019/beach/IMG_0102.jpg"));
        CliRun lost = run("repair", "-c", cfg.toString());
        assertThat(lost.code()).isEqualTo(HeirloomCli.FAILED);
        assertThat(lost.out()).contains("LOST", ":2019/beach/IMG_0102.jpg", "object(s) LOST");
    }

    @Test
    void forgetAppliesTheConfiguredRetention() throws Exception {
        library();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite, retention: { last: 2 } }
                """);
        for (int i = 0; i < 4; i++) {
            write(tmp.resolve("Pictures"), "new/IMG_" + i + ".jpg", "photo " + i);
            run("backup", "-c", cfg.toString());
        }
        CliRun dry = run("forget", "-c", cfg.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.all()).isZero();
        assertThat(dry.out()).contains("4 snapshot(s), would forget 2", "keep", "last 2", "forget");
        try (Stream<Path> s = Files.list(tmp.resolve("usb/heirloom/snapshots"))) {
            assertThat(s).hasSize(4);
        }
        assertThat(run("forget", "-c", cfg.toString()).code()).isZero();
        try (Stream<Path> s = Files.list(tmp.resolve("usb/heirloom/snapshots"))) {
            assertThat(s).hasSize(2);
        }
        CliRun mark = run("prune", "-c", cfg.toString(), "--grace-hours", "0");
        assertThat(mark.code()).as(mark.all()).isZero();
        assertThat(mark.out()).contains("deleted 0", "marked for a later prune");
        CliRun sweep = run("prune", "-c", cfg.toString(), "--grace-hours", "0");
        assertThat(sweep.out()).containsPattern("deleted [1-9]");
        assertThat(run("verify", "-c", cfg.toString(), "--level", "content").code()).isZero();
        for (String command : List.of("snapshots", "verify", "forget", "prune", "unlock")) {
            CliRun typo = run(command, "-c", cfg.toString(), "--target", "ubs");
            assertThat(typo.code()).as(command).isEqualTo(HeirloomCli.USAGE);
            assertThat(typo.err()).as(command).contains("no target named 'ubs'", "[usb]");
        }
        Path none = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        assertThat(run("forget", "-c", none.toString()).code()).isEqualTo(HeirloomCli.USAGE);
    }

    @Test
    void threeOnsiteTargetsAreWarnedBackedUpAndExitThree() throws Exception {
        library();
        Path cfg = config("""
                  - { name: a, path: a/heirloom, medium: external-disk, site: onsite }
                  - { name: b, path: b/heirloom, medium: nas, site: onsite }
                  - { name: c, path: c/heirloom, medium: external-disk, site: onsite }
                """);
        for (String d : List.of("a", "b", "c")) {
            Files.createDirectories(tmp.resolve(d));
        }
        CliRun plan = run("plan", "-c", cfg.toString());
        assertThat(plan.out()).contains("no offsite target").contains("copy 5 objects");
        assertThat(plan.code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(tmp.resolve("a/heirloom/snapshots")).doesNotExist();

        CliRun backup = run("backup", "-c", cfg.toString());
        assertThat(backup.out()).contains("no offsite target", "NOT MET");
        assertThat(backup.code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        for (String d : List.of("a", "b", "c")) {
            try (Stream<Path> s = Files.list(tmp.resolve(d + "/heirloom/snapshots"))) {
                assertThat(s).as(d).hasSize(1);
            }
        }
    }

    @Test
    void anUnwritableTargetFailsAloneExitsOneAndStatusListsShortFiles() throws Exception {
        library();
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("nas"));
        Path blocked = Files.writeString(tmp.resolve("cloud-is-a-file"), "a file where a folder should be");
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, path: nas/heirloom, medium: nas, site: onsite }
                  - { name: cloud, path: %s/heirloom, medium: cloud, site: offsite }
                """.formatted(blocked));
        CliRun backup = run("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.out() + backup.err()).isEqualTo(HeirloomCli.FAILED);
        assertThat(backup.out()).containsPattern("cloud +FAILED");
        assertThat(backup.out()).containsPattern("usb +ok").containsPattern("nas +ok");
        try (Stream<Path> s = Files.list(tmp.resolve("nas/heirloom/snapshots"))) {
            assertThat(s).hasSize(1);
        }

        CliRun status = run("status", "-c", cfg.toString());
        assertThat(status.code()).isEqualTo(HeirloomCli.FAILED);
        assertThat(status.out()).contains("UNAVAILABLE", "NOT MET - 5 of 5 files are short of copies",
                "2019/beach/IMG_0101.jpg: 3 copies (source, usb, nas), 3 media, 0 offsite");
    }

    @Test
    void badConfigurationExitsTwoWithAClearMessage() throws Exception {
        library();
        Path cfg = config("""
                  - { name: usb, path: usb, medium: floppy, site: onsite }
                """);
        CliRun r = run("backup", "-c", cfg.toString());
        assertThat(r.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("targets[0].medium", "unknown medium 'floppy'");

        Files.writeString(cfg, "source: { path: Pictures }\ntargets:\n  - { name: x, uri: \"b2://bucket/p\", medium: cloud, site: offsite }\n");
        CliRun unknown = run("status", "-c", cfg.toString());
        assertThat(unknown.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(unknown.err()).contains("no storage provider for scheme 'b2'", "available: azure, file, gs, s3, sftp, vfs+ftp");

        Files.writeString(cfg, "source: { path: Pictures }\ntargets:\n  - { name: x, uri: \"gs://bucket/p\", medium: cloud, site: offsite, options: { region: eu } }\n");
        CliRun gs = run("status", "-c", cfg.toString());
        assertThat(gs.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(gs.err()).contains("unknown option 'region' for gs targets", "credentialsFile");

        CliRun usage = run("backup"); // no -c, no HEIRLOOM_CONFIG, no ~/.config/heirloom/heirloom.yaml here
        assertThat(usage.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(usage.err()).contains("give -c FILE", "HEIRLOOM_CONFIG", ".config/heirloom/heirloom.yaml");
    }

    @Test
    void secretsFromTheEnvironmentNeverReachOutput() throws Exception {
        library();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite, options: { token: "${env:PATH}" } }
                """);
        CliRun r = run("backup", "-c", cfg.toString());
        assertThat(r.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("unknown option 'token'");
        assertThat(r.out() + r.err()).doesNotContain(System.getenv("PATH"));

        Path missing = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite, options: { fsync: "${env:HEIRLOOM_SURELY_UNSET}" } }
                """);
        CliRun m = run("backup", "-c", missing.toString());
        assertThat(m.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(m.err()).contains("HEIRLOOM_SURELY_UNSET", "not set");
    }

    @Test
    void jsonOutputIsMachineReadable() throws Exception {
        library();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = config("""
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        CliRun r = run("backup", "-c", cfg.toString(), "--json");
        assertThat(r.code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(json.get("stats").get("files").asInt()).isEqualTo(5);
        assertThat(json.get("targets").get(0).get("name").asText()).isEqualTo("usb");
        assertThat(json.get("compliance").get("shortFiles").size()).isEqualTo(5);
    }
}
