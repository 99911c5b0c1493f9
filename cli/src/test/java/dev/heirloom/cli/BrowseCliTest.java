package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a restic user does first: backup, ls latest, find, edit, backup, diff, dump, stats. */
class BrowseCliTest {
    @TempDir
    Path tmp;

    private static void write(Path root, String rel, String content, long millis) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.fromMillis(millis));
    }

    private Path setUp() throws IOException {
        Path src = tmp.resolve("Pictures");
        write(src, "2019/beach/IMG_0001.jpg", "jpeg bytes 1", 1_600_000_000_000L);
        write(src, "2019/beach/IMG_0002.jpg", "jpeg bytes 2", 1_600_000_001_000L);
        write(src, "2021/IMG_2041.heic", "heic bytes", 1_600_000_002_000L);
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures, medium: internal-disk, site: onsite }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                """);
        return cfg;
    }

    /** Runs a command whose bytes go to System.out (dump), returning the code and the bytes. */
    private static Object[] runCapturingStdout(String... args) {
        PrintStream was = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true));
            CliRun r = CliRun.of(args);
            return new Object[] {r, bytes.toByteArray()};
        } finally {
            System.setOut(was);
        }
    }

    @Test
    void aResticUsersFirstMinutes() throws Exception {
        Path cfg = setUp();
        String c = cfg.toString();
        assertThat(CliRun.of("backup", "-c", c).code()).isZero();

        CliRun ls = CliRun.of("ls", "-c", c, "latest");
        assertThat(ls.code()).as(ls.all()).isZero();
        assertThat(ls.out()).contains("2019/\n", "2019/beach/IMG_0001.jpg\n", "2021/IMG_2041.heic\n");
        CliRun lsLong = CliRun.of("ls", "-c", c, "-l", "latest", "2019/beach");
        assertThat(lsLong.out()).contains("12 B").doesNotContain("2021");
        CliRun lsJson = CliRun.of("ls", "-c", c, "--json", "latest", "2021");
        assertThat(lsJson.out()).contains("\"path\" : \"2021/IMG_2041.heic\"", "\"size\" : 10", "\"type\" : \"file\"");
        CliRun missing = CliRun.of("ls", "-c", c, "latest", "2020");
        assertThat(missing.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(missing.err()).contains("holds no 2020");

        write(tmp.resolve("Pictures"), "2019/beach/IMG_0001.jpg", "jpeg bytes 1, cropped", 1_700_000_000_000L);
        Files.delete(tmp.resolve("Pictures/2019/beach/IMG_0002.jpg"));
        write(tmp.resolve("Pictures"), "2022/IMG_3000.jpg", "new photo", 1_700_000_001_000L);
        CliRun second = CliRun.of("backup", "-c", c);
        assertThat(second.code()).as(second.all()).isZero();

        CliRun find = CliRun.of("find", "-c", c, "IMG_0001.jpg");
        assertThat(find.code()).as(find.all()).isZero();
        assertThat(find.out()).contains("2019/beach/IMG_0001.jpg: in 2 snapshot(s), 2 version(s) of its content");
        assertThat(CliRun.of("find", "-c", c, "*.png").code()).as("nothing found").isEqualTo(HeirloomCli.FAILED);

        CliRun snapshots = CliRun.of("snapshots", "-c", c, "--json");
        String first = snapshots.out().replaceAll("(?s).*?\"id\" : \"([0-9a-f]{8})[0-9a-f]*\".*", "$1");
        CliRun diff = CliRun.of("diff", "-c", c, first, "latest");
        assertThat(diff.code()).as(diff.all()).isZero();
        assertThat(diff.out()).contains("+ 2022/IMG_3000.jpg", "- 2019/beach/IMG_0002.jpg", "M 2019/beach/IMG_0001.jpg",
                "1 added, 1 removed, 1 modified, 0 possible bit rot");

        Object[] dump = runCapturingStdout("dump", "-c", c, "latest", "2019/beach/IMG_0001.jpg");
        assertThat(((CliRun) dump[0]).code()).as(((CliRun) dump[0]).all()).isZero();
        assertThat(new String((byte[]) dump[1], StandardCharsets.UTF_8)).isEqualTo("jpeg bytes 1, cropped");
        Object[] old = runCapturingStdout("dump", "-c", c, first, "2019/beach/IMG_0002.jpg");
        assertThat(new String((byte[]) old[1], StandardCharsets.UTF_8)).as("a file deleted since").isEqualTo("jpeg bytes 2");

        Path out = tmp.resolve("IMG_0001.jpg");
        assertThat(CliRun.of("dump", "-c", c, "-o", out.toString(), "latest", "2019/beach/IMG_0001.jpg").code()).isZero();
        assertThat(Files.readString(out)).isEqualTo("jpeg bytes 1, cropped");
        corrupt(tmp.resolve("usb/heirloom/objects"), "jpeg bytes 1, cropped");
        Path damaged = tmp.resolve("damaged.jpg");
        CliRun bad = CliRun.of("dump", "-c", c, "-o", damaged.toString(), "latest", "2019/beach/IMG_0001.jpg");
        assertThat(bad.code()).isEqualTo(HeirloomCli.FAILED);
        assertThat(bad.err()).contains("2019/beach/IMG_0001.jpg is damaged");
        assertThat(damaged).as("no damaged bytes handed out as the file").doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".heirloom-dump-"));
        }

        CliRun stats = CliRun.of("stats", "-c", c);
        assertThat(stats.code()).as(stats.all()).isZero();
        assertThat(stats.out()).contains("usb: 2 snapshot(s); latest: 3 files", "6 file versions", "in 5 objects");
        CliRun statsJson = CliRun.of("stats", "-c", c, "--json");
        assertThat(statsJson.out()).contains("\"snapshots\" : 2", "\"objects\" : 5", "\"dedupRatio\"");
    }

    @Test
    void aRestoreWithTheUsbDiskUnpluggedComesFromTheOtherTargetsAndSaysSo() throws Exception {
        Path src = tmp.resolve("Pictures");
        write(src, "2019/IMG_0001.jpg", "jpeg bytes 1", 1_600_000_000_000L);
        write(src, "2019/IMG_0002.jpg", "jpeg bytes 2", 1_600_000_001_000L);
        write(src, "2020/IMG_0003.jpg", "jpeg bytes 3", 1_600_000_002_000L);
        for (String d : new String[] {"usb", "nas", "cloud"}) {
            Files.createDirectories(tmp.resolve(d));
        }
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: 3-2-1
                targets:
                  - { name: cloud, path: cloud/heirloom, medium: cloud, site: offsite }
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: nas, path: nas/heirloom, medium: nas, site: onsite }
                """);
        String c = cfg.toString();
        assertThat(CliRun.of("backup", "-c", c).code()).isZero();
        Files.move(tmp.resolve("usb"), tmp.resolve("usb-unplugged"));
        corrupt(tmp.resolve("nas/heirloom/objects"), "jpeg bytes 2");

        CliRun restore = CliRun.of("restore", "-c", c, "--to", tmp.resolve("back").toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        assertThat(Files.readString(tmp.resolve("back/2019/IMG_0002.jpg"))).isEqualTo("jpeg bytes 2");
        assertThat(Files.readString(tmp.resolve("back/2020/IMG_0003.jpg"))).isEqualTo("jpeg bytes 3");
        assertThat(restore.out()).contains("Restored 3 files", "files from: nas 2, cloud 1", "NOTE    usb: not reachable",
                "NOTE    2019/IMG_0002.jpg: from cloud (nas: the stored copy is corrupt");

        CliRun only = CliRun.of("restore", "-c", c, "--from", "nas", "--to", tmp.resolve("back2").toString());
        assertThat(only.code()).as("one target named: no fallback").isEqualTo(HeirloomCli.FAILED);
        assertThat(only.out()).contains("FAILED  2019/IMG_0002.jpg: the stored copy is corrupt");
        CliRun resticHabit = CliRun.of("restore", "-c", c, "--target", tmp.resolve("back3").toString(), "--to", "x");
        assertThat(resticHabit.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(resticHabit.err()).contains("--from names the target to read", "the folder to restore into is --to");
    }

    @Test
    void everyBrowsingCommandHasHelp() {
        for (String command : new String[] {"ls", "find", "diff", "dump", "stats"}) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: heirloom " + command);
            assertThat(help.err()).as(command).isEmpty();
        }
    }

    private static void corrupt(Path objects, String content) throws IOException {
        try (Stream<Path> s = Files.walk(objects)) {
            Path p = s.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.readString(f).equals(content);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
            p.toFile().setWritable(true);
            Files.writeString(p, content.replace('j', 'J'));
        }
    }
}
