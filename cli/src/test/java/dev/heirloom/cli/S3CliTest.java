package dev.heirloom.cli;

import dev.heirloom.testservers.CountingProxy;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heirloom command against S3Proxy through s3://: backup, restore, a checksum verify that
 * downloads no content (counted at the wire), a content verify, and a damaged object found.
 */
class S3CliTest {
    @TempDir
    Path tmp;

    private S3ProxyServer server;
    private CountingProxy wire;

    @BeforeEach
    void start() {
        server = S3ProxyServer.start(tmp.resolve("s3proxy"));
        wire = CountingProxy.start(server.port());
    }

    @AfterEach
    void stop() {
        wire.close();
        server.close();
    }

    private static boolean media(Path p) {
        return !p.getFileName().toString().endsWith(".txt");
    }

    @Test
    void backupRestoreAndVerifyAgainstS3ProxyWithoutPrintingTheSecret() throws Exception {
        Path sample = Path.of("../examples/sample-library").toAbsolutePath();
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }
                  - { name: cloud, uri: "s3://family-photos/heirloom", medium: cloud, site: offsite, options: { endpoint: "%s", accessKeyId: "%s", secretAccessKey: "%s", createBucket: true } }
                """.formatted(sample, wire.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));

        CliRun backup = CliRun.of("backup", "--json", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isZero();
        assertThat(backup.all()).doesNotContain(S3ProxyServer.SECRET_KEY);

        Path back = tmp.resolve("back");
        CliRun restore = CliRun.of("restore", "--target", "cloud", "--to", back.toString(), "-c", cfg.toString());
        assertThat(restore.code()).as(restore.all()).isZero();
        try (Stream<Path> files = Files.walk(sample)) {
            for (Path f : files.filter(Files::isRegularFile).filter(S3CliTest::media).toList()) {
                String rel = sample.relativize(f).toString();
                assertThat(Arrays.equals(Files.readAllBytes(back.resolve(rel)), Files.readAllBytes(f))).as(rel).isTrue();
            }
        }
        long library = 0;   // distinct contents: a copy of a photo is stored once
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (Stream<Path> files = Files.walk(sample)) {
            for (Path f : files.filter(Files::isRegularFile).filter(S3CliTest::media).toList()) {
                if (seen.add(dev.heirloom.spi.MultiDigest.sha256Hex(Files.readAllBytes(f)))) {
                    library += Files.size(f);
                }
            }
        }

        wire.resetCounts();
        CliRun checksum = CliRun.of("verify", "--target", "cloud", "--level", "checksum", "-c", cfg.toString());
        assertThat(checksum.code()).as(checksum.all()).isZero();
        long checksumBytes = wire.bytesToClient();
        assertThat(checksumBytes).as("the store's CRC-32C compared, no content downloaded")
                .isLessThan(Math.max(200_000, library / 10));

        wire.resetCounts();
        CliRun content = CliRun.of("verify", "--target", "cloud", "--level", "content", "-c", cfg.toString());
        assertThat(content.code()).as(content.all()).isZero();
        assertThat(wire.bytesToClient()).as("a content verify reads everything back").isGreaterThan(library);
        System.out.printf("verify over the wire: checksum %d bytes, content %d bytes, library %d bytes%n",
                checksumBytes, wire.bytesToClient(), library);

        // one stored photo damaged behind Heirloom's back: the checksum verify names it
        Path objects = server.dataDir().resolve("family-photos/heirloom/objects");
        Path victim;
        try (Stream<Path> files = Files.walk(objects)) {
            victim = files.filter(Files::isRegularFile).filter(p -> p.toFile().length() > 1000).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 1;
        Files.write(victim, bytes);
        CliRun damaged = CliRun.of("verify", "--target", "cloud", "--level", "content", "-c", cfg.toString());
        assertThat(damaged.code()).as(damaged.all()).isEqualTo(HeirloomCli.FAILED);
        assertThat(damaged.all()).contains(victim.getFileName().toString().substring(0, 12));

        CliRun status = CliRun.of("status", "--json", "-c", cfg.toString());
        assertThat(status.all()).contains("\"cloud\"").doesNotContain(S3ProxyServer.SECRET_KEY);
    }
}
