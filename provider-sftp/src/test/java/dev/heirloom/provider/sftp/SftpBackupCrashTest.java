package dev.heirloom.provider.sftp;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole backup over SFTP survives the server dying mid-video: nothing partial shows, the next run completes. */
class SftpBackupCrashTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aBackupCutByAServerCrashIsCompletedByTheNextRun() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("Pictures/videos"));
        byte[] video = new byte[96 << 20];
        new Random(3).nextBytes(video);
        Files.write(source.resolve("birthday.mp4"), video);
        Files.writeString(tmp.resolve("Pictures/cake.jpg"), "a photo");
        Path share = Files.createDirectories(tmp.resolve("nas"));

        try (OpenSshServer server = OpenSshServer.start(tmp.resolve("sshd"))) {
            TargetSpec nas = new TargetSpec("nas", server.uri(share.resolve("heirloom")), Medium.NAS, Site.ONSITE,
                    server.options());
            AtomicBoolean killed = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && !killed.get()) {
                    if (partialBytes(share) > (8 << 20)) {
                        server.kill();
                        killed.set(true);
                    }
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            try (Heirloom h = Heirloom.builder().source(tmp.resolve("Pictures"), MediaFilter.photosAndVideos())
                    .target(nas).retryPolicy(new RetryPolicy(1, Duration.ZERO, Duration.ZERO)).threads(2).build()) {
                BackupReport cut = h.backup();
                watcher.join();
                assertThat(killed).isTrue();
                assertThat(cut.targets()).singleElement().satisfies(t -> {
                    assertThat(t.succeeded()).isFalse();
                    assertThat(t.snapshot()).isEmpty();
                });
            }
            assertThat(listNames(share)).as("no snapshot, no object under a final name")
                    .noneMatch(n -> n.endsWith(".json") && n.contains("snapshots"))
                    .noneMatch(n -> n.matches(".*/objects/../[0-9a-f]{64}") && n.contains(sha(video)));
            assertThat(listNames(share)).anyMatch(n -> n.contains(".heirloom-part-"));

            server.restart();
            try (Heirloom h = Heirloom.builder().source(tmp.resolve("Pictures"), MediaFilter.photosAndVideos())
                    .target(nas).build()) {
                BackupReport next = h.backup();
                assertThat(next.succeeded()).isTrue();
                assertThat(listNames(share)).noneMatch(n -> n.contains(".heirloom-part-"));
                Path out = tmp.resolve("restored");
                assertThat(h.restore("nas", Optional.empty(), RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("videos/birthday.mp4"))).isEqualTo(video);
                assertThat(h.verify("nas", VerifyLevel.CHECKSUM, 100).notes()).singleElement().asString()
                        .contains("keeps no server-side checksums");
                assertThat(h.verify("nas", VerifyLevel.CONTENT, 100).clean()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "encrypted: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void checksumVerificationHashesOnTheServerWithoutDownloading(boolean encrypted) throws Exception {
        Path source = Files.createDirectories(tmp.resolve("Pictures/2024"));
        for (int i = 0; i < 5; i++) {
            byte[] photo = new byte[100_000 + i];
            new Random(i).nextBytes(photo);
            Files.write(source.resolve("IMG_" + i + ".jpg"), photo);
        }
        Path share = Files.createDirectories(tmp.resolve("nas"));
        try (OpenSshServer server = OpenSshServer.start(tmp.resolve("sshd"))) {
            java.util.Map<String, String> options = new java.util.HashMap<>(server.options());
            options.put("remoteHashCommand", "sha256sum");
            TargetSpec nas = new TargetSpec("nas", server.uri(share.resolve("heirloom")), Medium.NAS, Site.ONSITE, options);
            Heirloom.Builder builder = Heirloom.builder().source(tmp.resolve("Pictures"), MediaFilter.photosAndVideos())
                    .target(nas);
            if (encrypted) {
                // the server hashes ciphertext: compared with the hashes recorded of what was sent
                builder.encryption("nas", dev.heirloom.repository.Encryption.passphrase("sftp test passphrase"));
            }
            try (Heirloom h = builder.build()) {
                assertThat(h.backup().succeeded()).isTrue();
                var clean = h.verify("nas", VerifyLevel.CHECKSUM, 100);
                assertThat(clean.clean()).isTrue();
                assertThat(clean.objectsChecked()).isEqualTo(5);
                assertThat(clean.bytesRead()).as("nothing downloaded").isZero();
                assertThat(clean.notes()).anySatisfy(n -> assertThat(n).contains("computed the SHA-256 of 5 object(s) on the server"));

                Path object;
                try (Stream<Path> s = Files.walk(share.resolve("heirloom/objects"))) {
                    object = s.filter(Files::isRegularFile).findFirst().orElseThrow();
                }
                byte[] rotten = Files.readAllBytes(object);
                rotten[500] ^= 0x10;
                Files.write(object, rotten);
                var damaged = h.verify("nas", VerifyLevel.CHECKSUM, 100);
                assertThat(damaged.badCount()).isEqualTo(1);
                assertThat(damaged.bad()).singleElement().satisfies(b -> {
                    if (!encrypted) {
                        assertThat(b.hash()).isEqualTo(object.getFileName().toString());
                    }
                    assertThat(b.problem()).isEqualTo(dev.heirloom.verify.BadObject.Problem.CORRUPT);
                    assertThat(b.paths()).singleElement().asString().contains("IMG_");
                });
            }
        }
    }

    private static long partialBytes(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".heirloom-part-"))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static String sha(byte[] b) {
        return dev.heirloom.spi.MultiDigest.sha256Hex(b);
    }

    private static java.util.List<String> listNames(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList();
        }
    }
}
