package dev.heirloom.provider.gcs;

import dev.heirloom.testservers.GcsTestServer;
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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second, independent client: rclone's {@code google cloud storage} backend (Go, its own
 * JSON API code) copies a tree to the test server (multipart uploads for small files, chunked
 * resumable uploads for a large one), checks it by the MD5s the server computes, reads it back,
 * and notices a byte flipped on the server.
 */
class GcsTestServerRcloneTest {
    @TempDir
    Path tmp;

    private GcsTestServer server;

    @BeforeEach
    void start() throws IOException {
        server = GcsTestServer.start();
        server.createBucket("photos");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Result(int code, String output) {
    }

    private Result rclone(String... args) throws Exception {
        Path rclone = Path.of("/usr/bin/rclone");
        if (!Files.isExecutable(rclone)) {
            throw new IllegalStateException("rclone is not installed: run 'apt-get install -y rclone' (the README's test "
                    + "command ./test.sh installs it)");
        }
        List<String> cmd = new ArrayList<>(List.of(rclone.toString(), "--retries", "1", "--low-level-retries", "1",
                "--config", "/dev/null"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("RCLONE_CONFIG_GCS_TYPE", "google cloud storage");
        env.put("RCLONE_CONFIG_GCS_ANONYMOUS", "true");
        env.put("RCLONE_CONFIG_GCS_ENDPOINT", server.endpoint() + "/storage/v1/");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void rcloneCopiesChecksAndReadsBackThroughTheTestServer() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[1000 + random.nextInt(300_000)];
            random.nextBytes(b);
            Path f = src.resolve("2024/album " + (i % 3) + "/IMG_" + i + ".jpg");
            Files.createDirectories(f.getParent());
            Files.write(f, b);
        }
        byte[] video = new byte[20 * 1024 * 1024 + 12345];
        random.nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        Files.write(src.resolve("empty.xmp"), new byte[0]);

        Result copy = rclone("copy", src.toString(), "gcs:photos/backup");
        assertThat(copy.code()).as(copy.output()).isZero();
        assertThat(server.names("photos")).hasSize(14).contains("backup/clip.mp4", "backup/2024/album 1/IMG_1.jpg");
        assertThat(server.content("photos", "backup/clip.mp4")).hasValueSatisfying(c -> assertThat(c).isEqualTo(video));

        Result check = rclone("check", src.toString(), "gcs:photos/backup");
        assertThat(check.code()).as(check.output()).isZero();
        assertThat(check.output()).contains("0 differences found");

        Result list = rclone("lsf", "-R", "--max-depth", "1", "gcs:photos/backup");
        assertThat(list.code()).as(list.output()).isZero();
        assertThat(list.output().lines().toList()).containsExactlyInAnyOrder("2024/", "clip.mp4", "empty.xmp");

        Path back = tmp.resolve("back");
        Result down = rclone("copy", "gcs:photos/backup", back.toString());
        assertThat(down.code()).as(down.output()).isZero();
        assertThat(Files.readAllBytes(back.resolve("clip.mp4"))).isEqualTo(video);
        assertThat(Files.readAllBytes(back.resolve("2024/album 2/IMG_5.jpg")))
                .isEqualTo(Files.readAllBytes(src.resolve("2024/album 2/IMG_5.jpg")));

        server.corrupt("photos", "backup/2024/album 0/IMG_3.jpg", 500);
        Result after = rclone("check", src.toString(), "gcs:photos/backup");
        assertThat(after.code()).as("rclone sees the server's MD5 of the damaged bytes").isNotZero();
        assertThat(after.output()).contains("1 differences found").contains("IMG_3.jpg");
    }
}
