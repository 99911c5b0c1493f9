package dev.heirloom.provider.sftp;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.tck.ProviderDiscovery;
import dev.heirloom.testservers.OpenSshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only SFTP needs: host keys, resumed uploads after a server crash. */
class SftpTargetTest {
    @Test
    void isFoundWithoutItsDependencies() throws Exception {
        ProviderDiscovery.assertFoundWithoutDependencies(SftpTargetProvider.class);
    }

    private static Path dir;
    private static OpenSshServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("heirloom-sftp");
        server = OpenSshServer.start(dir.resolve("sshd"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static StorageTarget open(Path folder, Map<String, String> options) {
        return new SftpTargetProvider().open(new TargetConfig(server.uri(folder), options));
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndHowToTrustIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
        Map<String, String> options = new HashMap<>(server.options());
        options.put("knownHosts", empty.toString());
        assertThatThrownBy(() -> open(dir.resolve("r-unknown"), options))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("is not in " + empty)
                .hasMessageContaining("SHA256:")
                .hasMessageContaining("[127.0.0.1]:" + server.port() + " " + server.hostKeyLine());
        assertThat(dir.resolve("r-unknown")).doesNotExist();
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.resolve("k").toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String[] wrong = Files.readString(other.resolve("k.pub")).trim().split("\\s+");
        Path lying = Files.writeString(dir.resolve("lying_known_hosts"),
                "[127.0.0.1]:" + server.port() + " " + wrong[0] + " " + wrong[1] + "\n");
        Map<String, String> options = new HashMap<>(server.options());
        options.put("knownHosts", lying.toString());
        assertThatThrownBy(() -> open(dir.resolve("r-changed"), options))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("CHANGED")
                .hasMessageContaining("SHA256:");
    }

    @Test
    void aRefusedKeyIsAnAuthenticationError() throws Exception {
        Path other = dir.resolve("stranger");
        Files.createDirectories(other);
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.resolve("k").toString())
                .redirectErrorStream(true).start().waitFor();
        Map<String, String> options = new HashMap<>(server.options());
        options.put("identity", other.resolve("k").toString());
        assertThatThrownBy(() -> open(dir.resolve("r-auth"), options))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("refused our credentials");
    }

    @Test
    void noServerIsTargetUnavailable() {
        Map<String, String> options = new HashMap<>(server.options());
        options.put("connectTimeout", "2");
        URI nowhere = URI.create("sftp://" + server.user() + "@127.0.0.1:1" + dir.resolve("x").toUri().getRawPath());
        assertThatThrownBy(() -> new SftpTargetProvider().open(new TargetConfig(nowhere, options)))
                .isInstanceOf(TargetUnavailableException.class);
    }

    @Test
    void secretsNeverAppearInMessages() {
        Map<String, String> options = new HashMap<>(server.options());
        options.put("passphrase", "correct horse battery staple");
        options.put("identity", dir.resolve("missing-key").toString());
        assertThatThrownBy(() -> open(dir.resolve("r-secret"), options))
                .isInstanceOf(InvalidConfigException.class)
                .message().doesNotContain("correct horse");
        assertThat(SftpSettings.parse(new TargetConfig(server.uri(dir), Map.of("password", "hunter2",
                "knownHosts", server.knownHosts().toString()))).toString()).doesNotContain("hunter2");
    }

    /** A source that delivers its bytes slowly, so the server can be killed mid-upload. */
    private static ContentSource slow(byte[] content) {
        return new ContentSource() {
            @Override
            public long size() {
                return content.length;
            }

            @Override
            public InputStream open() {
                return new FilterInputStream(new ByteArrayInputStream(content)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                        return super.read(b, off, Math.min(len, 32 * 1024));
                    }
                };
            }
        };
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anEncryptedVideoUploadCutByAServerCrashResumesInTheNextRun() throws Exception {
        Path src = Files.createDirectories(dir.resolve("enc-src"));
        int size = (48 << 20) + 7;
        byte[] video = new byte[size];
        new Random(51).nextBytes(video);
        Files.write(src.resolve("clip.mp4"), video);
        Path folder = dir.resolve("enc-resume");
        try (dev.heirloom.testservers.CountingProxy proxy = dev.heirloom.testservers.CountingProxy.start(server.port())) {
            Path knownHosts = Files.writeString(dir.resolve("proxy_known_hosts"),
                    "[127.0.0.1]:" + proxy.port() + " " + server.hostKeyLine() + "\n");
            Map<String, String> options = new HashMap<>(server.options());
            options.put("knownHosts", knownHosts.toString());
            URI viaProxy = URI.create(server.uri(folder).toString().replace(":" + server.port() + "/", ":" + proxy.port() + "/"));
            dev.heirloom.Heirloom.Builder builder = dev.heirloom.Heirloom.builder()
                    .source(src, dev.heirloom.source.MediaFilter.photosAndVideos())
                    .registry(dev.heirloom.storage.ProviderRegistry.of(new SftpTargetProvider()))
                    .target(new dev.heirloom.TargetSpec("nas", viaProxy, dev.heirloom.policy.Medium.NAS,
                            dev.heirloom.policy.Site.ONSITE, options))
                    .encryption("nas", dev.heirloom.repository.Encryption.passphrase("sftp resume passphrase"))
                    .retryPolicy(dev.heirloom.storage.RetryPolicy.none()); // the next run resumes, not this one
            long partial;
            try (dev.heirloom.Heirloom h = builder.build()) {
                CompletableFuture<dev.heirloom.BackupReport> run = CompletableFuture.supplyAsync(h::backup);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (partialSize(folder) < size / 2) {
                    assertThat(System.nanoTime()).as("upload made progress").isLessThan(deadline);
                    assertThat(run).isNotDone();
                    Thread.onSpinWait();
                }
                server.kill();
                assertThat(run.get(60, TimeUnit.SECONDS).succeeded()).isFalse();
                partial = partialSize(folder);
            }
            assertThat(partial).isBetween((long) size / 2, (long) size - 1);
            server.restart();
            proxy.resetCounts();
            try (dev.heirloom.Heirloom h = builder.build()) {
                assertThat(h.backup().succeeded()).isTrue();
                assertThat(proxy.bytesToServer()).as("what the partial upload lacked, the snapshot and records")
                        .isLessThanOrEqualTo(size - partial + (2L << 20));
                assertThat(partialSize(folder)).as("temporary file removed").isZero();
                Path out = dir.resolve("enc-out");
                assertThat(h.restore("nas", Optional.empty(), dev.heirloom.restore.RestoreOptions.into(out)).complete()).isTrue();
                assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(video);
                assertThat(h.verify("nas", dev.heirloom.verify.VerifyLevel.CONTENT, 100).clean()).isTrue();
            }
        }
    }

    @Test
    void pruneRemovesWhatKilledWritesLeftBesideTheirKeysAndNothingElse() throws Exception {
        Path folder = dir.resolve("leftovers");
        try (StorageTarget t = open(folder, server.options())) {
            byte[] photo = "a photo".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String hash = MultiDigest.sha256Hex(photo);
            String key = "objects/" + hash.substring(0, 2) + "/" + hash;
            t.write(key, ContentSource.ofBytes(photo), WriteOptions.createIfAbsent(Checksums.sha256(hash)));
            // what a killed run leaves: a partial upload of a large file no run resumed, a small write's temporary
            Path objects = folder.resolve("objects/" + hash.substring(0, 2));
            Files.write(objects.resolve(".heirloom-part-" + "e".repeat(64) + "-9000000"), new byte[3000]);
            Files.write(objects.resolve(".heirloom-tmp-" + java.util.UUID.randomUUID()), new byte[200]);
            Path deeper = Files.createDirectories(folder.resolve("trees/ff"));
            Files.write(deeper.resolve(".heirloom-tmp-" + java.util.UUID.randomUUID()), new byte[100]);

            assertThat(t.removeInterruptedUploads()).isEqualTo(3300);
            try (Stream<Path> left = Files.walk(folder)) {
                assertThat(left.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()))
                        .containsExactly(key);
            }
            assertThat(t.stat(key)).isPresent();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUploadCutByAServerCrashResumesAndNothingPartialIsVisible() throws Exception {
        byte[] video = new byte[24 << 20];
        new Random(42).nextBytes(video);
        String hash = MultiDigest.sha256Hex(video);
        String key = "objects/" + hash.substring(0, 2) + "/" + hash;
        Path folder = dir.resolve("resume");
        Path objectFolder = folder.resolve("objects/" + hash.substring(0, 2));
        SftpTarget first = (SftpTarget) open(folder, server.options());

        CompletableFuture<Void> upload = CompletableFuture.runAsync(() ->
                first.write(key, slow(video), WriteOptions.createIfAbsent(Checksums.sha256(hash))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partialSize(objectFolder) < (4 << 20)) {
            assertThat(System.nanoTime()).as("upload made progress").isLessThan(deadline);
            assertThat(upload).isNotDone();
            Thread.sleep(20);
        }
        server.kill();
        assertThat(upload).failsWithin(60, TimeUnit.SECONDS).withThrowableThat()
                .havingRootCause().isInstanceOf(Exception.class);
        long partial = partialSize(objectFolder);
        assertThat(partial).isBetween(1L, (long) video.length - 1);
        assertThat(objectFolder.resolve(hash)).as("nothing under the final name").doesNotExist();
        first.close();

        server.restart();
        try (StorageTarget again = open(folder, server.options())) {
            assertThat(again.stat(key)).isEmpty();
            assertThat(again.list("objects/", Optional.empty(), 10).objects()).isEmpty();
            again.write(key, ContentSource.ofBytes(video), WriteOptions.createIfAbsent(Checksums.sha256(hash)));
            assertThat(((SftpTarget) again).resumedBytes()).as("bytes not sent again").isGreaterThanOrEqualTo(partial);
            assertThat(MultiDigest.sha256Hex(Files.readAllBytes(objectFolder.resolve(hash)))).isEqualTo(hash);
            assertThat(partialSize(objectFolder)).as("temporary file removed").isZero();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aStagedUploadCutByAServerCrashResumesUnderTheSameStageName() throws Exception {
        byte[] video = new byte[24 << 20];
        new Random(43).nextBytes(video);
        String hash = MultiDigest.sha256Hex(video);
        String key = "objects/" + hash.substring(0, 2) + "/" + hash;
        Path folder = dir.resolve("stage-resume");
        SftpTarget first = (SftpTarget) open(folder, server.options());

        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> first.stage("clip-2017", slow(video)).close());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partialSize(folder) < (4 << 20)) {
            assertThat(System.nanoTime()).as("upload made progress").isLessThan(deadline);
            assertThat(upload).isNotDone();
            Thread.sleep(20);
        }
        server.kill();
        assertThat(upload).failsWithin(60, TimeUnit.SECONDS);
        long partial = partialSize(folder);
        assertThat(partial).as("kept for the next try").isBetween(1L, (long) video.length - 1);
        first.close();

        server.restart();
        try (SftpTarget again = (SftpTarget) open(folder, server.options())) {
            assertThat(again.list("", Optional.empty(), 10).objects()).as("nothing partial is listed").isEmpty();
            try (StagedObject staged = again.stage("clip-2017", ContentSource.ofBytes(video))) {
                assertThat(again.resumedBytes()).as("bytes not sent again").isGreaterThanOrEqualTo(partial);
                staged.publish(key, WriteOptions.createIfAbsent(Checksums.sha256(hash)));
            }
            assertThat(MultiDigest.sha256Hex(Files.readAllBytes(folder.resolve(key)))).isEqualTo(hash);
            assertThat(partialSize(folder)).as("temporary file gone").isZero();
        }
    }

    @Test
    void remoteHashCommandHashesAnObjectOnTheServerEvenWithQuotesInItsPath() throws Exception {
        Path folder = dir.resolve("it's hashed");
        Map<String, String> options = new HashMap<>(server.options());
        options.put("remoteHashCommand", "sha256sum");
        byte[] photo = new byte[200_000];
        new Random(8).nextBytes(photo);
        String hash = MultiDigest.sha256Hex(photo);
        try (StorageTarget t = open(folder, options)) {
            assertThat(t.capabilities().serverHashing()).isTrue();
            t.write("objects/ab/a 'quoted' name", ContentSource.ofBytes(photo), WriteOptions.createIfAbsent(Checksums.sha256(hash)));
            assertThat(t.hashOnServer("objects/ab/a 'quoted' name").get(ChecksumAlgorithm.SHA256)).contains(hash);

            Path stored = folder.resolve("objects/ab/a 'quoted' name");
            byte[] rotten = Files.readAllBytes(stored);
            rotten[1000] ^= 1;
            Files.write(stored, rotten);
            assertThat(t.hashOnServer("objects/ab/a 'quoted' name").get(ChecksumAlgorithm.SHA256))
                    .contains(MultiDigest.sha256Hex(rotten));
            assertThatThrownBy(() -> t.hashOnServer("objects/ab/missing")).isInstanceOf(ObjectNotFoundException.class);
        }
        try (StorageTarget plain = open(folder, server.options())) {
            assertThat(plain.capabilities().serverHashing()).isFalse();
            assertThatThrownBy(() -> plain.hashOnServer("objects/ab/a 'quoted' name"))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("remoteHashCommand");
        }
    }

    @Test
    void aRemoteHashCommandThatFailsOrIsNotAHashSaysSo() {
        Path folder = dir.resolve("bad-hash");
        Map<String, String> missing = new HashMap<>(server.options());
        missing.put("remoteHashCommand", "no-such-hash-tool");
        Map<String, String> wrong = new HashMap<>(server.options());
        wrong.put("remoteHashCommand", "wc -c");
        try (StorageTarget a = open(folder, missing); StorageTarget b = open(folder, wrong)) {
            a.write("objects/cd/x", ContentSource.ofBytes("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)), WriteOptions.createIfAbsent(Checksums.none()));
            assertThatThrownBy(() -> a.hashOnServer("objects/cd/x")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("no-such-hash-tool").hasMessageContaining("exit 127");
            assertThatThrownBy(() -> b.hashOnServer("objects/cd/x")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("printed no SHA-256");
        }
        Map<String, String> shell = new HashMap<>(server.options());
        shell.put("remoteHashCommand", "sha256sum; rm -rf /");
        assertThatThrownBy(() -> open(folder, shell)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("shell syntax");
        Map<String, String> sync = new HashMap<>(server.options());
        sync.put("syncCommand", "sync -f $(reboot)");
        assertThatThrownBy(() -> open(folder, sync)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("syncCommand").hasMessageContaining("shell syntax");
    }

    @Test
    void aRemoteHashCommandThatHangsFailsAfterTheReadTimeout() {
        Path folder = dir.resolve("hanging-hash");
        Map<String, String> hanging = new HashMap<>(server.options());
        hanging.put("remoteHashCommand", "tail -f"); // prints the object, then waits for more forever
        hanging.put("readTimeout", "2");
        try (StorageTarget t = open(folder, hanging)) {
            t.write("objects/ef/x", ContentSource.ofBytes("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    WriteOptions.createIfAbsent(Checksums.none()));
            long start = System.nanoTime();
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> t.hashOnServer("objects/ef/x")).isInstanceOf(StorageException.class)
                            .hasMessageContaining("did not finish within the read timeout"));
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(15));
        }
    }

    @Test
    void aPartialUploadThatDoesNotMatchTheSourceIsDiscarded() throws Exception {
        byte[] content = new byte[(int) SftpTarget.RESUME_FROM + 1000];
        new Random(5).nextBytes(content);
        String hash = MultiDigest.sha256Hex(content);
        Path folder = dir.resolve("mismatch");
        try (SftpTarget t = (SftpTarget) open(folder, server.options())) {
            Path objects = Files.createDirectories(folder.resolve("objects/ab"));
            Files.write(objects.resolve(".heirloom-part-" + hash + "-" + content.length), new byte[100_000]);
            t.write("objects/ab/" + hash, ContentSource.ofBytes(content), WriteOptions.createIfAbsent(Checksums.sha256(hash)));
            assertThat(t.resumedBytes()).isZero();
            assertThat(Files.readAllBytes(objects.resolve(hash))).isEqualTo(content);
        }
    }

    @Test
    void unsafeGlobCharactersInKeysAreTakenLiterally() {
        try (StorageTarget t = open(dir.resolve("glob"), server.options())) {
            t.write("a/x*", ContentSource.ofBytes(new byte[] {1}), WriteOptions.replace(Checksums.none()));
            t.write("a/xy", ContentSource.ofBytes(new byte[] {2}), WriteOptions.replace(Checksums.none()));
            assertThat(t.stat("a/x?")).isEmpty();
            assertThat(t.stat("a/x*")).get().extracting(o -> o.size()).isEqualTo(1L);
            t.delete("a/x*");
            assertThat(t.stat("a/xy")).isPresent();
        }
    }

    /** The bytes of partial uploads anywhere under the folder. */
    private static long partialSize(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".heirloom-part-")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // published or removed meanwhile
                }
            }).sum();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a folder changed while walked: ask again
        }
    }

    @Test
    void theStreamErrorOfAFailingSourceIsNotBlamedOnTheServer() {
        try (StorageTarget t = open(dir.resolve("srcfail"), server.options())) {
            ContentSource failing = new ContentSource() {
                @Override
                public long size() {
                    return 1000;
                }

                @Override
                public InputStream open() {
                    return new InputStream() {
                        @Override
                        public int read() throws IOException {
                            throw new IOException("disk read error");
                        }
                    };
                }
            };
            assertThatThrownBy(() -> t.write("k", failing, WriteOptions.replace(Checksums.none())))
                    .isInstanceOf(StorageException.class).isNotInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("disk read error");
            assertThat(t.stat("k")).isEmpty();
        }
    }
}
