package dev.heirloom.cli;

import dev.heirloom.testservers.AzuriteServer;
import dev.heirloom.testservers.CountingProxy;
import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.testservers.OpenSshServer;
import dev.heirloom.testservers.RcloneWebdavServer;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's network faults (docs/reliability.md), from our TCP fault proxy between the
 * command and a real server: a blackhole that accepts and never answers, a reset mid-upload, and
 * a slow link (latency and a bandwidth cap). Under the first two the backup must give up within
 * its configured limits and report the target failed; the slow link must just be slow; afterwards
 * everything verifies and restores byte for byte.
 */
class NetworkFaultTest {
    @TempDir
    Path tmp;

    private final Random random = new Random(3);

    /** How long a backup may take to give up on a server that went silent, with readTimeout 3 s. */
    private static final long GIVE_UP_MILLIS = 60_000;

    @ParameterizedTest
    @ValueSource(strings = {"sftp", "s3", "azure", "gs", "webdav"})
    void aSilentOrResetServerFailsTheTargetInTimeAndASlowOneIsOnlySlow(String kind) throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 5; i++) {
            write(photos.resolve("2024/IMG_" + i + ".jpg"), 40_000);
        }
        List<AutoCloseable> servers = new ArrayList<>();
        try {
            CountingProxy proxy = start(kind, servers);
            Path cfg = config(kind, photos, proxy, servers);
            CliRun first = CliRun.of("backup", "-c", cfg.toString());
            assertThat(first.code()).as(first.all()).isZero();

            write(photos.resolve("2024/VID_1.mp4"), 4 << 20);
            write(photos.resolve("2024/IMG_new.jpg"), 60_000);
            proxy.blackhole(true);
            long t0 = System.nanoTime();
            CliRun silent = CliRun.of("backup", "-c", cfg.toString());
            long silentMillis = (System.nanoTime() - t0) / 1_000_000;
            proxy.blackhole(false);
            assertThat(silent.code()).as(silent.all()).isEqualTo(1);
            assertThat(silent.out()).contains("FAILED");
            assertThat(silentMillis).as("gave up on the silent server within its limits").isLessThan(GIVE_UP_MILLIS);

            proxy.cutAfterUpload(300_000);
            t0 = System.nanoTime();
            CliRun reset = CliRun.of("backup", "-c", cfg.toString());
            long resetMillis = (System.nanoTime() - t0) / 1_000_000;
            proxy.uncut();
            assertThat(reset.code()).as(reset.all()).isEqualTo(1);
            assertThat(reset.out()).contains("FAILED");
            assertThat(resetMillis).isLessThan(GIVE_UP_MILLIS);

            write(photos.resolve("2024/IMG_slow.jpg"), 200_000);
            // gentle enough that a 4 MiB part drains from the buffers within the 3 s readTimeout
            proxy.slow(10, 8_000_000);
            t0 = System.nanoTime();
            CliRun slow = CliRun.of("backup", "-c", cfg.toString());
            long slowMillis = (System.nanoTime() - t0) / 1_000_000;
            proxy.slow(0, 0);
            assertThat(slow.code()).as("a slow link is only slow: " + slow.all()).isZero();

            CliRun verify = CliRun.of("verify", "--level", "content", "-c", cfg.toString());
            assertThat(verify.code()).as(verify.all()).isZero();
            Path back = tmp.resolve("back");
            CliRun restore = CliRun.of("restore", "--target", "t", "--to", back.toString(), "-c", cfg.toString());
            assertThat(restore.code()).as(restore.all()).isZero();
            assertThat(contents(back)).isEqualTo(contents(photos));
            System.out.printf("fault suite, network, %s: blackhole gave up in %d ms, reset mid-upload in %d ms, "
                    + "slow link (10 ms per 64 KiB, 8 MB/s) backup completed in %d ms; verify and restore clean%n", kind,
                    silentMillis, resetMillis, slowMillis);
        } finally {
            for (int i = servers.size() - 1; i >= 0; i--) {
                servers.get(i).close();
            }
        }
    }

    private CountingProxy start(String kind, List<AutoCloseable> servers) throws IOException {
        int port = switch (kind) {
            case "sftp" -> {
                OpenSshServer s = OpenSshServer.start(tmp.resolve("sshd"));
                servers.add(s);
                yield s.port();
            }
            case "s3" -> {
                S3ProxyServer s = S3ProxyServer.start(tmp.resolve("s3proxy"));
                servers.add(s);
                yield s.port();
            }
            case "azure" -> {
                AzuriteServer s = AzuriteServer.start(tmp.resolve("azurite"));
                servers.add(s);
                yield s.port();
            }
            case "gs" -> {
                GcsTestServer s = GcsTestServer.start();
                s.createBucket("photos");
                servers.add(s);
                yield s.port();
            }
            case "webdav" -> {
                RcloneWebdavServer s = RcloneWebdavServer.start(tmp.resolve("dav"));
                servers.add(s);
                yield s.port();
            }
            default -> throw new IllegalArgumentException(kind);
        };
        CountingProxy proxy = CountingProxy.start(port);
        servers.add(proxy);
        return proxy;
    }

    private Path config(String kind, Path photos, CountingProxy proxy, List<AutoCloseable> servers) throws IOException {
        String at = "127.0.0.1:" + proxy.port();
        String target = switch (kind) {
            case "sftp" -> {
                OpenSshServer s = (OpenSshServer) servers.get(0);
                Path known = tmp.resolve("known_hosts_proxy");
                Files.writeString(known, "[127.0.0.1]:" + proxy.port() + " " + s.hostKeyLine() + "\n");
                Files.createDirectories(tmp.resolve("nas"));
                String uri = s.uri(tmp.resolve("nas/heirloom")).toString().replace("127.0.0.1:" + s.port(), at);
                yield "uri: \"" + uri + "\", options: { identity: \"" + s.clientKey() + "\", knownHosts: \"" + known
                        + "\", readTimeout: 3, connectTimeout: 3 }";
            }
            case "s3" -> "uri: \"s3://photos/heirloom\", options: { endpoint: \"http://" + at + "\", accessKeyId: \""
                    + S3ProxyServer.ACCESS_KEY + "\", secretAccessKey: \"" + S3ProxyServer.SECRET_KEY
                    + "\", createBucket: true, maxTries: 1, readTimeout: 3s }";
            case "azure" -> "uri: \"azure://photos/heirloom\", options: { connectionString: \""
                    + ((AzuriteServer) servers.get(0)).connectionString().replace(
                            "127.0.0.1:" + ((AzuriteServer) servers.get(0)).port(), at)
                    + "\", createContainer: true, maxTries: 1, readTimeout: 3s }";
            case "gs" -> "uri: \"gs://photos/heirloom\", options: { endpoint: \"http://" + at
                    + "\", anonymous: true, maxTries: 1, readTimeout: 3s, resumeDir: \"" + tmp.resolve("resume") + "\" }";
            case "webdav" -> "uri: \"vfs+webdav4://" + RcloneWebdavServer.USER + "@" + at + "/heirloom\", options: { "
                    + "password: \"" + RcloneWebdavServer.PASSWORD + "\", readTimeout: 3s, connectTimeout: 3s }";
            default -> throw new IllegalArgumentException(kind);
        };
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: { copies: 2, media: 1, offsite: 0 }
                targets:
                  - { name: t, %s, medium: nas, site: onsite }
                """.formatted(photos, target));
        return cfg;
    }

    private void write(Path file, int size) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(file, b);
    }

    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), dev.heirloom.spi.MultiDigest.sha256Hex(Files.readAllBytes(p)));
            }
        }
        return out;
    }
}
