package dev.heirloom.provider.vfs;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.StatusReport;
import dev.heirloom.TargetSpec;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.CapturedOutput;
import dev.heirloom.tck.ProviderDiscovery;
import dev.heirloom.testservers.ApacheWebdavServer;
import dev.heirloom.testservers.TestCertificates;
import dev.heirloom.testservers.FtpServer;
import dev.heirloom.testservers.RcloneWebdavServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the VFS bridge needs: its options, the SFTP refusal, TLS trust, secrets, and a killed client. */
class VfsTargetTest {
    @TempDir
    Path tmp;

    @Test
    void everyProviderIsFoundWithoutItsDependencies() throws Exception {
        for (var type : List.of(FtpVfsProvider.class, FtpsVfsProvider.class, WebdavVfsProvider.class,
                WebdavsVfsProvider.class, SftpViaVfsRefused.class)) {
            ProviderDiscovery.assertFoundWithoutDependencies(type);
        }
    }

    @Test
    void sftpThroughVfsIsRefusedWithTheWayToTheRealOne() {
        TargetConfig c = new TargetConfig(URI.create("vfs+sftp://ann@nas.local/backups"), Map.of());
        assertThatThrownBy(() -> new SftpViaVfsRefused().validate(c)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("sftp://ann@nas.local/backups").hasMessageContaining("host key");
        assertThatThrownBy(() -> new SftpViaVfsRefused().open(c)).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void optionsAndUrisAreCheckedBeforeConnecting() {
        FtpVfsProvider ftp = new FtpVfsProvider();
        ftp.validate(new TargetConfig(URI.create("vfs+ftp://ann@nas.local/backups"), Map.of("passive", "false")));
        for (Map.Entry<String, String> bad : Map.of("passive", "maybe", "concurrency", "lots", "readTimeout", "soon",
                "connectTimeout", "0s").entrySet()) {
            assertThatThrownBy(() -> ftp.validate(new TargetConfig(URI.create("vfs+ftp://ann@nas.local/b"),
                    Map.of(bad.getKey(), bad.getValue())))).as(bad.toString())
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining(bad.getKey());
        }
        assertThatThrownBy(() -> ftp.validate(new TargetConfig(URI.create("vfs+ftp://ann:hunter2@nas.local/b"), Map.of())))
                .isInstanceOf(InvalidConfigException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ftp.validate(new TargetConfig(URI.create("vfs+ftp://nas.local/"), Map.of())))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("folder path");
        assertThatThrownBy(() -> ftp.validate(new TargetConfig(URI.create("vfs+ftp://nas.local/b"),
                Map.of("trustStore", tmp.toString())))).isInstanceOf(InvalidConfigException.class);
        assertThat(ftp.location(new TargetConfig(URI.create("vfs+ftp://ann@NAS.local/backups/heirloom/"), Map.of())))
                .isPresent()
                .isEqualTo(ftp.location(new TargetConfig(URI.create("vfs+ftp://ann@nas.local:21/backups//heirloom"), Map.of())))
                .as("FTP users may each see a root of their own")
                .isNotEqualTo(ftp.location(new TargetConfig(URI.create("vfs+ftp://bob@nas.local/backups/heirloom"), Map.of())));
        assertThatThrownBy(() -> ftp.validate(new TargetConfig(URI.create("vfs+ftp://ann@nas.local/backups/../etc"), Map.of())))
                .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void anFtpsServerWithAnUnknownCertificateIsRefusedWithHowToTrustIt() throws Exception {
        try (FtpServer server = FtpServer.startTls(tmp.resolve("ftps"))) {
            assertThatThrownBy(() -> new FtpsVfsProvider().open(new TargetConfig(URI.create("vfs+ftps://"
                    + FtpServer.USER + "@127.0.0.1:" + server.port() + "/b"), Map.of("password", FtpServer.PASSWORD))))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("certificate").hasMessageContaining("trustStore")
                    .hasMessageNotContaining(FtpServer.PASSWORD);
            assertThat(server.root().resolve("b")).doesNotExist();
        }
    }

    @Test
    void aTrustedFtpsCertificateMadeOutToAnotherNameIsRefused() throws Exception {
        try (FtpServer server = FtpServer.startTls(tmp.resolve("ftps"))) {
            Path trust = TestCertificates.trustStore(server.certificate(), tmp.resolve("trust.p12"));
            Map<String, String> options = Map.of("password", FtpServer.PASSWORD, "trustStore", trust.toString(),
                    "trustStorePassword", "changeit");
            // the certificate is made out to 127.0.0.1 only; "localhost" is the same machine but not its name
            assertThatThrownBy(() -> new FtpsVfsProvider().open(new TargetConfig(URI.create("vfs+ftps://"
                    + FtpServer.USER + "@localhost:" + server.port() + "/b"), options)))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("not made out to localhost").hasMessageContaining("127.0.0.1")
                    .hasMessageNotContaining(FtpServer.PASSWORD);
            assertThat(server.root().resolve("b")).doesNotExist();
            try (StorageTarget target = new FtpsVfsProvider().open(new TargetConfig(URI.create("vfs+ftps://"
                    + FtpServer.USER + "@127.0.0.1:" + server.port() + "/b"), options))) {
                target.write("k", ContentSource.ofBytes(new byte[] {1}), WriteOptions.createIfAbsent(Checksums.none()));
                assertThat(target.stat("k")).as("the name it is made out to works").isPresent();
            }
        }
    }

    @Test
    void aWebdavsServerWhoseCertificateIsNotTrustedIsRefusedAndOneForAnotherNameToo() throws Exception {
        // not under @TempDir, whose folder only its owner may enter: the server runs as www-data
        try (ApacheWebdavServer server = ApacheWebdavServer.startTls(Files.createTempDirectory("heirloom-davs"))) {
            String uri = "vfs+webdav4s://" + ApacheWebdavServer.USER + "@%s:" + server.port() + "/b";
            // Commons VFS's own HTTPS provider would have accepted this self-signed certificate
            assertThatThrownBy(() -> new WebdavsVfsProvider().open(new TargetConfig(URI.create(uri.formatted("127.0.0.1")),
                    Map.of("password", ApacheWebdavServer.PASSWORD))))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("certificate").hasMessageContaining("trustStore")
                    .hasMessageNotContaining(ApacheWebdavServer.PASSWORD);
            assertThat(server.root().resolve("b")).doesNotExist();
            Path trust = TestCertificates.trustStore(server.certificate(), tmp.resolve("trust.p12"));
            Map<String, String> trusted = Map.of("password", ApacheWebdavServer.PASSWORD, "trustStore", trust.toString(),
                    "trustStorePassword", "changeit");
            assertThatThrownBy(() -> new WebdavsVfsProvider().open(new TargetConfig(URI.create(uri.formatted("localhost")),
                    trusted)))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("not made out to localhost");
            try (StorageTarget target = new WebdavsVfsProvider().open(new TargetConfig(URI.create(uri.formatted("127.0.0.1")),
                    trusted))) {
                target.write("k", ContentSource.ofBytes(new byte[] {1}), WriteOptions.createIfAbsent(Checksums.none()));
                assertThat(target.stat("k")).isPresent();
            }
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationErrorAndNeverPrinted() throws Exception {
        String wrong = "wrong-" + System.nanoTime();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "photo");
        try (FtpServer server = FtpServer.start(tmp.resolve("ftp"))) {
            URI uri = URI.create("vfs+ftp://" + FtpServer.USER + "@127.0.0.1:" + server.port() + "/b");
            String[] everything = new String[1];
            String logs = CapturedOutput.of(() -> {
                assertThatThrownBy(() -> new FtpVfsProvider().open(new TargetConfig(uri, Map.of("password", wrong))))
                        .isInstanceOf(AuthenticationException.class)
                        .satisfies(e -> assertThat(CapturedOutput.stackText(e)).doesNotContain(wrong));
                try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                        .registry(ProviderRegistry.of(new FtpVfsProvider()))
                        .target(new TargetSpec("nas", uri, Medium.NAS, Site.ONSITE, Map.of("password", wrong)))
                        .build()) {
                    BackupReport report = h.backup();
                    StatusReport status = h.status();
                    everything[0] = report + "\n" + status + "\n" + h.targets();
                }
            });
            assertThat(everything[0]).contains("refused the login").doesNotContain(wrong);
            assertThat(logs).doesNotContain(wrong);
        }
    }

    private void killedClientLeavesNothingUnderTheKey(String uri, String password, Path serverRoot) throws Exception {
        String key = "objects/ab/video";
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SlowUpload.class.getName(), uri, password, key,
                String.valueOf(40L << 20)).redirectErrorStream(true).redirectOutput(tmp.resolve("client.log").toFile()).start();
        Path temps = serverRoot.resolve("repo/" + VfsTarget.TEMP);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long seen = 0;
        while (seen < (10L << 20) && System.nanoTime() < deadline && client.isAlive()) {
            Thread.sleep(100);
            if (Files.isDirectory(temps)) {
                try (Stream<Path> s = Files.list(temps)) {
                    seen = s.mapToLong(p -> p.toFile().length()).sum();
                }
            }
        }
        assertThat(seen).as("the client was sending (" + Files.readString(tmp.resolve("client.log")) + ")")
                .isGreaterThanOrEqualTo(10L << 20);
        client.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(serverRoot.resolve("repo/" + key)).as("nothing under the final name").doesNotExist();
        Map<String, String> options = new HashMap<>(Map.of("password", password));
        var provider = uri.startsWith("vfs+webdav4") ? new WebdavVfsProvider() : new FtpVfsProvider();
        try (StorageTarget t = provider.open(new TargetConfig(URI.create(uri), options))) {
            assertThat(t.stat(key)).isEmpty();
            assertThat(t.list("", Optional.empty(), 100).objects()).as("the temporary is never listed").isEmpty();
            byte[] video = new byte[3 << 20];
            java.util.Arrays.fill(video, (byte) 'x');
            t.write(key, ContentSource.ofBytes(video), WriteOptions.createIfAbsent(Checksums.none()));
            try (InputStream in = t.read(key, 0, -1)) {
                assertThat(in.readAllBytes()).isEqualTo(video);
            }
        }
    }

    @Test
    void aClientKilledMidUploadOverFtpLeavesNoObjectAndTheNextRunCompletes() throws Exception {
        try (FtpServer server = FtpServer.start(tmp.resolve("ftp"))) {
            killedClientLeavesNothingUnderTheKey("vfs+ftp://" + FtpServer.USER + "@127.0.0.1:" + server.port() + "/repo",
                    FtpServer.PASSWORD, server.root());
        }
    }

    @Test
    void aClientKilledMidUploadOverWebdavLeavesNoObjectAndTheNextRunCompletes() throws Exception {
        try (RcloneWebdavServer server = RcloneWebdavServer.start(tmp.resolve("dav"))) {
            killedClientLeavesNothingUnderTheKey("vfs+webdav4://" + RcloneWebdavServer.USER + "@127.0.0.1:"
                    + server.port() + "/repo", RcloneWebdavServer.PASSWORD, server.root());
        }
    }
}
