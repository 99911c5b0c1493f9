package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's corruption catalogue (docs/reliability.md): every kind of repository file on
 * one target is flipped, truncated, emptied and deleted, and every command runs on it (status,
 * snapshots, verify, restore, backup, prune, repair, then backup, verify and status again). None may
 * fail with an unexpected error or call corrupt data a usage error; restore never writes a wrong
 * byte; status never says MET for a file whose only extra copy verify found damaged; and after
 * repair and a backup, everything verifies and the policy is met again.
 */
class CorruptionCatalogueTest {
    @TempDir
    Path tmp;

    private static final List<String> KINDS = List.of("heirloom.json", "snapshot", "root tree", "folder tree", "object",
            "lock file", "verify record", "prune state");
    private static final List<String> DAMAGES = List.of("flipped", "truncated", "emptied", "deleted");

    @Test
    void everyFileKindDamagedEveryWayIsReportedAndMendedNeverBuiltUpon() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        Random random = new Random(7);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[20_000 + random.nextInt(50_000)];
            random.nextBytes(b);
            Files.createDirectories(photos.resolve("20" + (20 + i % 2)));
            Files.write(photos.resolve("20" + (20 + i % 2) + "/IMG_" + i + ".jpg"), b);
        }
        List<String> table = new ArrayList<>();
        table.add("| file | damage | status | snapshots | verify | restore | backup | prune | repair | after |");
        table.add("|---|---|---|---|---|---|---|---|---|---|");
        int cells = 0;
        for (String kind : KINDS) {
            for (String damage : DAMAGES) {
                table.add(cell(photos, kind, damage, cells++));
            }
        }
        table.forEach(System.out::println);
        System.out.printf("fault suite, corruption catalogue: %d file kinds x %d damages = %d cases, 8 commands each%n",
                KINDS.size(), DAMAGES.size(), cells);
    }

    private String cell(Path photos, String kind, String damage, int n) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("case-" + n));
        Path usb = dir.resolve("usb");
        Path cfg = dir.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: %s, medium: external-disk, site: onsite }
                  - { name: cloud, path: %s/cloud, medium: cloud, site: offsite }
                """.formatted(photos, usb, dir));
        String where = kind + " " + damage;
        assertThat(run(where, "backup", cfg).code()).isZero();
        assertThat(run(where, "verify", cfg, "--target", "usb").code()).isZero();
        assertThat(run(where, "prune", cfg, "--target", "usb").code()).isZero();
        if (kind.equals("lock file")) {
            // another computer's backup that died long ago: a stale lock of a host we cannot ask
            Files.writeString(usb.resolve("locks/0f0e0d0c-0000-4000-8000-000000000000.json"),
                    "{\"exclusive\":false,\"operation\":\"backup\",\"host\":\"elsewhere\",\"pid\":1,"
                            + "\"time\":\"2000-01-01T00:00:00Z\"}");
        }
        Path victim = file(usb, kind);
        damage(victim, damage);
        boolean data = List.of("snapshot", "root tree", "folder tree", "object").contains(kind);

        CliRun status = run(where, "status", cfg);
        CliRun snapshots = run(where, "snapshots", cfg, "--target", "usb");
        CliRun verify = run(where, "verify", cfg, "--target", "usb", "--level", "content");
        if (data) {
            if (!where.equals("snapshot deleted")) {
                // (a target whose snapshot file is gone holds no snapshot: status counts none of its copies)
                assertThat(verify.code()).as(where + ": verify finds it: " + verify.all()).isEqualTo(1);
            }
            CliRun after = run(where, "status", cfg);
            assertThat(after.out()).as(where + ": never MET while a copy verify found damaged is needed")
                    .doesNotContain("MET - all");
        }
        Path back = dir.resolve("back");
        CliRun restore = run(where, "restore", cfg, "--target", "usb", "--to", back.toString());
        if (Files.isDirectory(back)) {
            for (Map.Entry<String, byte[]> f : files(back).entrySet()) {
                assertThat(f.getValue()).as(where + ": restored " + f.getKey() + " is the photo")
                        .isEqualTo(Files.readAllBytes(photos.resolve(f.getKey())));
            }
            if (files(back).size() < files(photos).size()) {
                assertThat(restore.code()).as(where + ": a restore that gave back less says so").isNotZero();
            }
        }
        CliRun backup = run(where, "backup", cfg);
        CliRun prune = run(where, "prune", cfg, "--target", "usb");
        if (kind.equals("prune state") || kind.equals("object") || kind.equals("verify record")) {
            assertThat(prune.code()).as(where + ": prune is not blocked by it: " + prune.all()).isZero();
        }
        CliRun repair = run(where, "repair", cfg, "--target", "usb");
        if (kind.equals("verify record")) {
            // the fix status names for it
            run(where, "verify", cfg, "--target", "usb", "--level", "present");
        }
        CliRun again = run(where, "backup", cfg);
        CliRun verifyAll = run(where, "verify", cfg, "--level", "content");
        CliRun finalStatus = run(where, "status", cfg);
        boolean mended = again.code() == 0 && verifyAll.code() == 0 && finalStatus.code() == 0;
        assertThat(mended).as(where + ": mended by repair and a backup: " + again.all() + verifyAll.all()
                + finalStatus.all()).isTrue();
        Function<CliRun, String> shown = r -> Integer.toString(r.code());
        return "| " + kind + " | " + damage + " | " + shown.apply(status) + " | " + shown.apply(snapshots) + " | "
                + shown.apply(verify) + " | " + shown.apply(restore) + (Files.isDirectory(back) ? " (" + files(back).size()
                + "/" + files(photos).size() + " files, all intact)" : "") + " | " + shown.apply(backup) + " | "
                + shown.apply(prune) + " | "
                + shown.apply(repair) + " | " + (mended ? "mended" : "refused: " + firstError(again, verifyAll, finalStatus))
                + " |";
    }

    private static String firstError(CliRun... runs) {
        for (CliRun r : runs) {
            for (String line : r.err().split("\n")) {
                if (line.startsWith("heirloom: ")) {
                    return line.substring(10).replace("|", "/");
                }
            }
        }
        return "?";
    }

    /** Runs a command; none may fail unexpectedly or call damage a usage error. */
    private static CliRun run(String where, String command, Path cfg, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "-c", cfg.toString()));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.err()).as(where + ": " + command).doesNotContain("unexpected error");
        assertThat(r.code()).as(where + ": " + command + " " + r.all()).isIn(0, 1, 3);
        return r;
    }

    private static Path file(Path usb, String kind) throws IOException {
        return switch (kind) {
            case "heirloom.json" -> usb.resolve("heirloom.json");
            case "snapshot" -> only(usb.resolve("snapshots"));
            case "root tree", "folder tree" -> {
                String snapshot = Files.readString(only(usb.resolve("snapshots")));
                String root = snapshot.replaceAll(".*\"root\":\"([0-9a-f]{64})\".*", "$1");
                Path rootTree = usb.resolve("trees/" + root.substring(0, 2) + "/" + root);
                if (kind.equals("root tree")) {
                    yield rootTree;
                }
                String sub = Files.readString(rootTree).replaceAll("(?s).*?\"tree\":\"([0-9a-f]{64})\".*", "$1");
                yield usb.resolve("trees/" + sub.substring(0, 2) + "/" + sub);
            }
            case "object" -> {
                try (Stream<Path> s = Files.walk(usb.resolve("objects"))) {
                    yield s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
                }
            }
            case "lock file" -> only(usb.resolve("locks"));
            case "verify record" -> usb.resolve("verify/last-present.json");
            case "prune state" -> usb.resolve("prune/pending.json");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Path only(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(Files::isRegularFile).toList();
            assertThat(all).as(dir.toString()).hasSize(1);
            return all.get(0);
        }
    }

    private static void damage(Path file, String how) throws IOException {
        assertThat(file).exists();
        byte[] b = Files.readAllBytes(file);
        switch (how) {
            case "flipped" -> {
                b[b.length / 2] ^= 0x20;
                Files.write(file, b);
            }
            case "truncated" -> Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
            case "emptied" -> Files.write(file, new byte[0]);
            case "deleted" -> Files.delete(file);
            default -> throw new IllegalArgumentException(how);
        }
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
