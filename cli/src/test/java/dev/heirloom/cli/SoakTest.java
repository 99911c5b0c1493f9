package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's bounded soak (docs/reliability.md): 200 backups of a library that changes
 * between them (new photos, edits, deletions, renames, a folder moved) to two real folders, with
 * bit flips in one target's stored objects now and then; then verify, repair, and the restore of
 * ten random snapshots, each compared with the library as it was when that snapshot was taken.
 */
class SoakTest {
    @TempDir
    Path tmp;

    private final Random random = new Random(200);

    @Test
    void twoHundredRunsWithEditsAndBitFlipsThenEverySnapshotRestoresAsItWas() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 40; i++) {
            write(photos.resolve("20" + (10 + i % 8) + "/IMG_" + i + ".jpg"));
        }
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 3, media: 2, offsite: 1 }
                maxShrinkPercent: 90
                targets:
                  - { name: usb, path: %s/usb, medium: external-disk, site: onsite }
                  - { name: cloud, path: %s/cloud, medium: cloud, site: offsite }
                """.formatted(photos, tmp, tmp));
        Map<String, Map<String, String>> asOf = new LinkedHashMap<>();
        int flips = 0;
        int counter = 1000;
        for (int run = 0; run < 200; run++) {
            for (int edit = random.nextInt(4); edit >= 0; edit--) {
                List<Path> files = files(photos);
                switch (random.nextInt(6)) {
                    case 0, 1 -> write(photos.resolve("20" + (10 + random.nextInt(8)) + "/IMG_" + counter++ + ".jpg"));
                    case 2 -> write(files.get(random.nextInt(files.size())));
                    case 3 -> {
                        if (files.size() > 20) {
                            Files.delete(files.get(random.nextInt(files.size())));
                        }
                    }
                    case 4 -> {
                        Path from = files.get(random.nextInt(files.size()));
                        Path to = photos.resolve("renamed/" + counter++ + "-" + from.getFileName());
                        Files.createDirectories(to.getParent());
                        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                    }
                    default -> {
                        Path dir = photos.resolve("20" + (10 + random.nextInt(8)));
                        if (Files.isDirectory(dir)) {
                            Files.createDirectories(photos.resolve("albums"));
                            Files.move(dir, photos.resolve("albums/" + counter++), StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                }
            }
            if (run % 20 == 10) {
                flips += flipAByteOfAnObject(tmp.resolve("usb"));
            }
            CliRun backup = CliRun.of("backup", "--json", "-c", cfg.toString());
            assertThat(backup.code()).as("run " + run + ": " + backup.all()).isIn(0, 3);
            String id = backup.out().replaceAll("(?s).*?\"snapshotId\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
            asOf.put(id, contents(photos));
        }
        CliRun verify = CliRun.of("verify", "--level", "content", "--target", "usb", "-c", cfg.toString());
        assertThat(verify.code()).as("the flipped objects are found: " + verify.out()).isEqualTo(1);
        CliRun repair = CliRun.of("repair", "--level", "content", "--target", "usb", "-c", cfg.toString());
        assertThat(repair.code()).as(repair.all()).isZero();
        CliRun clean = CliRun.of("verify", "--level", "content", "-c", cfg.toString());
        assertThat(clean.code()).as(clean.all()).isZero();
        List<String> ids = new ArrayList<>(asOf.keySet());
        for (int k = 0; k < 10; k++) {
            String id = ids.get(random.nextInt(ids.size()));
            String target = k % 2 == 0 ? "usb" : "cloud";
            Path back = tmp.resolve("back-" + k);
            CliRun restore = CliRun.of("restore", "--target", target, "--snapshot", id, "--to", back.toString(),
                    "-c", cfg.toString());
            assertThat(restore.code()).as(restore.all()).isZero();
            assertThat(contents(back)).as("snapshot " + id + " from " + target).isEqualTo(asOf.get(id));
        }
        System.out.printf("fault suite, soak: 200 backups, %d bit flips in stored objects found and repaired, 10 of %d "
                + "snapshots restored as they were%n", flips, asOf.size());
    }

    private int flipAByteOfAnObject(Path repo) throws IOException {
        List<Path> objects;
        try (Stream<Path> s = Files.walk(repo.resolve("objects"))) {
            objects = s.filter(Files::isRegularFile).sorted().toList();
        }
        Path victim = objects.get(random.nextInt(objects.size()));
        byte[] b = Files.readAllBytes(victim);
        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        Files.write(victim, b);
        return 1;
    }

    private void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[2_000 + random.nextInt(30_000)];
        random.nextBytes(b);
        Files.write(file, b);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path p : files(root)) {
            out.put(root.relativize(p).toString(), dev.heirloom.spi.MultiDigest.sha256Hex(Files.readAllBytes(p)));
        }
        return out;
    }
}
