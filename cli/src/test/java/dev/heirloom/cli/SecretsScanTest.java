package dev.heirloom.cli;

import dev.heirloom.testservers.AzuriteServer;
import dev.heirloom.testservers.FtpServer;
import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.testservers.OpenSshServer;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's secrets scan (docs/reliability.md): one configuration with every kind of
 * credential (an encrypted repository's passphrase, an Azure account key, an S3 secret key, an FTP password, an SFTP key passphrase, a
 * GCS service-account private key), every command run as a real process with debug logging, with
 * the right secrets and with wrong ones; not one secret may appear in anything printed, logged or
 * written to a repository.
 */
class SecretsScanTest {
    /** The usb target's repository passphrase (its repository is encrypted). */
    private static final String REPOSITORY_PASSPHRASE = "repository-passphrase-8f3b61";

    @TempDir
    Path tmp;

    @Test
    void noConfiguredSecretReachesOutputLogsJsonOrRepositoryFiles() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos/2024"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(photos.resolve("IMG_" + i + ".jpg"), "photo " + i);
        }
        try (AzuriteServer azurite = AzuriteServer.start(tmp.resolve("azurite"));
             S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3proxy"));
             FtpServer ftp = FtpServer.start(tmp.resolve("ftp"));
             OpenSshServer sshd = OpenSshServer.start(tmp.resolve("sshd"));
             GcsTestServer gcs = GcsTestServer.start()) {
            gcs.createBucket("photos");
            String passphrase = "sftp-passphrase-71c3e9";
            Path key = tmp.resolve("keys/id_protected");
            Files.createDirectories(key.getParent());
            Files.copy(sshd.clientKey(), key);
            Process kp = new ProcessBuilder("ssh-keygen", "-q", "-p", "-P", "", "-N", passphrase, "-f", key.toString())
                    .redirectErrorStream(true).start();
            assertThat(kp.waitFor(30, TimeUnit.SECONDS) && kp.exitValue() == 0).as("ssh-keygen -p").isTrue();
            var keys = KeyPairGenerator.getInstance("RSA");
            keys.initialize(2048);
            String pkcs8 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.generateKeyPair().getPrivate().getEncoded());
            String keyLine = pkcs8.lines().skip(3).findFirst().orElseThrow();
            Path account = tmp.resolve("keys/sa.json");
            Files.writeString(account, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of(
                    "type", "service_account", "project_id", "family", "private_key_id", "k1",
                    "private_key", "-----BEGIN PRIVATE KEY-----\n" + pkcs8 + "\n-----END PRIVATE KEY-----\n",
                    "client_email", "heirloom@family.iam.gserviceaccount.com", "client_id", "1",
                    "token_uri", gcs.tokenUri())));
            gcs.requireAuthorization();
            Files.createDirectories(tmp.resolve("nas"));
            List<String> secrets = List.of(azurite.accountKey(), S3ProxyServer.SECRET_KEY, FtpServer.PASSWORD, passphrase,
                    keyLine, "wrong-secret-5d1f", "wrong-pass-9a2b", REPOSITORY_PASSPHRASE, "wrong-repository-passphrase-2c7e");

            Path good = config("good.yaml", photos, azurite.connectionString(), s3.endpoint(), S3ProxyServer.SECRET_KEY,
                    ftp.port(), FtpServer.PASSWORD, sshd, key, passphrase, gcs.endpoint(), account);
            String wrongAzure = azurite.connectionString().replace(azurite.accountKey(),
                    Base64.getEncoder().encodeToString("wrong-secret-5d1f-but-long-enough-for-a-key".getBytes()));
            secrets = new ArrayList<>(secrets);
            secrets.add(wrongAzure.replaceAll(".*AccountKey=([^;]+).*", "$1"));
            Path wrong = config("wrong.yaml", photos, wrongAzure, s3.endpoint(), "wrong-secret-5d1f", ftp.port(),
                    "wrong-pass-9a2b", sshd, key, "wrong-pass-9a2b", gcs.endpoint(), account);

            StringBuilder seen = new StringBuilder();
            int runs = 0;
            for (String[] command : List.of(new String[] {"backup", "--json"}, new String[] {"backup"},
                    new String[] {"status", "--json"}, new String[] {"status"}, new String[] {"plan"},
                    new String[] {"snapshots", "--json"}, new String[] {"verify", "--level", "checksum"},
                    new String[] {"verify", "--json"}, new String[] {"report", "--json"},
                    new String[] {"report", "--html", tmp.resolve("report.html").toString()},
                    new String[] {"restore", "--target", "s3", "--to", tmp.resolve("back").toString()})) {
                seen.append(run(good, command));
                runs++;
            }
            assertThat(Files.readString(tmp.resolve("back/2024/IMG_1.jpg"))).as("the good run worked").isEqualTo("photo 1");
            for (String[] command : List.of(new String[] {"backup", "--json"}, new String[] {"status"},
                    new String[] {"verify"})) {
                String out = run(wrong, command);
                assertThat(out).as("the wrong secrets fail").containsAnyOf("FAILED", "failed",
                        "does not open this encrypted repository");
                seen.append(out);
                runs++;
            }
            String wrongReport = run(wrong, "report", "--html", tmp.resolve("wrong.html").toString());
            assertThat(wrongReport).as("the wrong secrets fail").contains("could not be read");
            seen.append(wrongReport);
            runs++;
            seen.append(Files.readString(tmp.resolve("report.html"))).append(Files.readString(tmp.resolve("wrong.html")));
            long files = 0;
            for (Path root : List.of(tmp.resolve("usb"), ftp.root(), tmp.resolve("nas"), s3.dataDir())) {
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path f : s.filter(Files::isRegularFile).toList()) {
                        seen.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                        files++;
                    }
                }
            }
            String all = seen.toString();
            for (String secret : secrets) {
                assertThat(all).as("a secret (%d chars) leaked", secret.length()).doesNotContain(secret);
            }
            // the scan sees what it must: every target's output, and the debug logs of the SDKs
            assertThat(all).contains("\"s3\"", "\"gcs\"", "\"azure\"", "\"ftp\"", "\"sftp\"", AzuriteServer.ACCOUNT,
                    S3ProxyServer.ACCESS_KEY, "DEBUG");
            System.out.printf("fault suite, secrets scan: %d secrets, %d commands (%d with wrong secrets), %d KiB of "
                    + "output and logs at debug level, %d repository files: no secret found%n", secrets.size(), runs, 4,
                    all.length() / 1024, files);
        }
    }

    private Path config(String name, Path photos, String azure, String s3Endpoint, String s3Secret, int ftpPort,
                        String ftpPassword, OpenSshServer sshd, Path key, String passphrase, String gcsEndpoint,
                        Path account) throws Exception {
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve(name);
        Files.writeString(cfg, """
                source: { path: %s }
                policy: 3-2-1
                targets:
                  - { name: usb, path: %s, medium: external-disk, site: onsite, encryption: { passphrase: "%s" } }
                  - { name: azure, uri: "azure://photos/h", medium: cloud, site: offsite, options: { connectionString: "%s", createContainer: true, maxTries: 1 } }
                  - { name: s3, uri: "s3://photos/h", medium: cloud, site: offsite, options: { endpoint: "%s", accessKeyId: "%s", secretAccessKey: "%s", createBucket: true, maxTries: 1 }, encryption: { passphrase: "%3$s" } }
                  - { name: ftp, uri: "vfs+ftp://%s@127.0.0.1:%d/h", medium: nas, site: onsite, options: { password: "%s" } }
                  - { name: sftp, uri: "%s", medium: nas, site: onsite, options: { identity: "%s", passphrase: "%s", knownHosts: "%s" } }
                  - { name: gcs, uri: "gs://photos/h", medium: cloud, site: offsite, options: { endpoint: "%s", credentialsFile: "%s", maxTries: 1, resumeDir: "%s" }, encryption: { passphrase: "%3$s" } }
                """.formatted(photos.getParent(), tmp.resolve("usb/h"),
                ftpPassword.startsWith("wrong") ? "wrong-repository-passphrase-2c7e" : REPOSITORY_PASSPHRASE, azure, s3Endpoint, S3ProxyServer.ACCESS_KEY, s3Secret,
                FtpServer.USER, ftpPort, ftpPassword, sshd.uri(tmp.resolve("nas/h")), key, passphrase, sshd.knownHosts(),
                gcsEndpoint, account, tmp.resolve("resume")));
        return cfg;
    }

    /** Runs the command as a real process with debug logging; everything it printed. */
    private String run(Path cfg, String... command) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-cp",
                System.getProperty("java.class.path"), "dev.heirloom.cli.HeirloomCli"));
        cmd.addAll(List.of(command));
        cmd.addAll(List.of("-c", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
