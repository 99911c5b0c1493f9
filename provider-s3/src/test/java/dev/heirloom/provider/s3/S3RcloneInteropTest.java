package dev.heirloom.provider.s3;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.testservers.S3ProxyServer;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.verify.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent client proves the wire format: rclone's s3 backend (Go, its own signing and
 * multipart code) lists and reads back what Heirloom wrote to S3Proxy, and Heirloom restores a
 * repository that rclone uploaded (large objects by rclone's own multipart uploads).
 */
class S3RcloneInteropTest {
    private static S3ProxyServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(Files.createTempDirectory("heirloom-s3proxy"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Result(int code, String output) {
    }

    private static Result rclone(String... args) throws Exception {
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
        // rclone 1.60 fails on loopback with "unsupported transport" when a CA bundle is set for AWS tools
        env.remove("AWS_CA_BUNDLE");
        env.put("RCLONE_CONFIG_S3_TYPE", "s3");
        env.put("RCLONE_CONFIG_S3_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_S3_ENDPOINT", server.endpoint());
        env.put("RCLONE_CONFIG_S3_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        env.put("RCLONE_CONFIG_S3_FORCE_PATH_STYLE", "true");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private Path photos() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random random = new Random(11);
        for (int i = 0; i < 10; i++) {
            byte[] b = new byte[1000 + random.nextInt(400_000)];
            random.nextBytes(b);
            Path f = src.resolve("2025/trip " + (i % 2) + "/IMG_" + i + ".jpg");
            Files.createDirectories(f.getParent());
            Files.write(f, b);
        }
        byte[] video = new byte[21 * 1024 * 1024 + 7];
        random.nextBytes(video);
        Files.write(src.resolve("2025/clip.mp4"), video);
        return src;
    }

    private static Heirloom heirloom(Path src, String uri) {
        return Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .registry(ProviderRegistry.of(new S3TargetProvider()))
                .target(new TargetSpec("cloud", URI.create(uri), Medium.CLOUD, Site.OFFSITE, Map.of(
                        "endpoint", server.endpoint(), "accessKeyId", S3ProxyServer.ACCESS_KEY,
                        "secretAccessKey", S3ProxyServer.SECRET_KEY, "createBucket", "true", "partSizeMiB", "5")))
                .build();
    }

    @Test
    void rcloneReadsWhatHeirloomWroteAndHeirloomRestoresWhatRcloneWrote() throws Exception {
        Path src = photos();
        try (Heirloom h = heirloom(src, "s3://family/heirloom")) {
            BackupReport report = h.backup();
            assertThat(report.succeeded()).as(report.toString()).isTrue();
        }

        Result list = rclone("lsf", "-R", "--files-only", "s3:family/heirloom");
        assertThat(list.code()).as(list.output()).isZero();
        List<String> names = list.output().lines().toList();
        assertThat(names).contains("heirloom.json").anyMatch(n -> n.startsWith("snapshots/"))
                .noneMatch(n -> n.startsWith(S3Target.INTERNAL));
        assertThat(names.stream().filter(n -> n.startsWith("objects/"))).hasSize(11);

        // rclone downloads the repository: every content object's bytes hash to its name
        Path copy = tmp.resolve("rclone-copy");
        Result down = rclone("copy", "s3:family/heirloom", copy.toString());
        assertThat(down.code()).as(down.output()).isZero();
        try (Stream<Path> files = Files.walk(copy.resolve("objects"))) {
            List<Path> objects = files.filter(Files::isRegularFile).toList();
            assertThat(objects).hasSize(11);
            for (Path o : objects) {
                assertThat(MultiDigest.sha256Hex(Files.readAllBytes(o))).isEqualTo(o.getFileName().toString());
            }
        }

        // rclone uploads that copy elsewhere, the video by its own multipart upload; Heirloom restores it
        Result up = rclone("copy", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", copy.toString(),
                "s3:moved/by-rclone");
        assertThat(up.code()).as(up.output()).isZero();
        try (Heirloom h = heirloom(src, "s3://moved/by-rclone")) {
            Path out = tmp.resolve("restored");
            assertThat(h.restore("cloud", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readAllBytes(out.resolve(src.relativize(f).toString())))
                            .as(f.toString()).isEqualTo(Files.readAllBytes(f));
                }
            }
            VerifyReport content = h.verify("cloud", VerifyLevel.CONTENT, 100);
            assertThat(content.clean()).as(content.toString()).isTrue();
            VerifyReport checksums = h.verify("cloud", VerifyLevel.CHECKSUM, 100);
            assertThat(checksums.clean()).isTrue();
            assertThat(checksums.notes()).as("rclone stored no CRC-32C, and verify says so instead of passing quietly")
                    .anyMatch(n -> n.contains("only their size was checked"));
        }
    }
}
