package dev.heirloom.packaging;

import dev.heirloom.testservers.GcsTestServer;
import dev.heirloom.testservers.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Debian package as a user gets it: built by build-deb.sh, installed with {@code dpkg -i} on
 * this machine, run with no Java on the PATH (a local, an S3 and a GCS target), its systemd
 * units checked and their ExecStart lines run, then removed. Needs root (or password-less sudo),
 * as the README's test command does.
 */
class DebianPackageTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Result(int code, String out) {
    }

    private static List<String> root(String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            Process probe = new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start();
            if (!probe.waitFor(20, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                throw new IllegalStateException("installing the package needs root or password-less sudo, as the README's "
                        + "test command does (run it as root, or allow sudo without a password)");
            }
            c.add("sudo");
            c.add("-n");
        }
        c.addAll(Arrays.asList(command));
        return c;
    }

    private static Result run(List<String> command, Map<String, String> env, boolean clearEnv, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (clearEnv) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** A PATH that has a shell and the two tools the launcher uses, and no java. */
    private Path pathWithoutJava() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("nojava"));
        for (String tool : new String[] {"sh", "dirname", "readlink"}) {
            for (String dir : new String[] {"/usr/bin", "/bin"}) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), Path.of(dir, tool).toRealPath());
                    break;
                }
            }
        }
        return bin;
    }

    private Path photos() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("Pictures/2019"));
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[200_000 + i];
            new java.util.Random(i).nextBytes(b);
            Files.write(src.resolve("IMG_000" + i + ".jpg"), b);
        }
        return src.getParent();
    }

    @Test
    void buildsInstallsRunsWithoutJavaAndRemovesCleanly() throws Exception {
        Result built = run(List.of("bash", MODULE.resolve("build-deb.sh").toString(), MODULE.resolve("target/lib").toString(),
                tmp.resolve("deb").toString()), Map.of(), false, 600);
        assertThat(built.code()).as(built.out()).isZero();
        Path deb = Path.of(built.out().trim().lines().reduce((a, b) -> b).orElseThrow());
        Result contents = run(List.of("dpkg-deb", "-c", deb.toString()), Map.of(), false, 60);
        assertThat(contents.out()).contains("./usr/bin/heirloom -> ../lib/heirloom/bin/heirloom",
                "./usr/lib/heirloom/runtime/bin/java", "./lib/systemd/system/heirloom.service",
                "./lib/systemd/system/heirloom@.service", "./usr/share/doc/heirloom/heirloom.example.yaml");

        Result installed = run(root("dpkg", "-i", deb.toString()), Map.of(), false, 300);
        assertThat(installed.code()).as(installed.out()).isZero();
        try {
            Map<String, String> noJava = Map.of("PATH", pathWithoutJava().toString(), "HOME", tmp.toString());
            Result version = run(List.of("/usr/bin/heirloom", "--version"), noJava, true, 60);
            assertThat(version.code()).as(version.out()).isZero();
            assertThat(version.out()).startsWith("heirloom ");
            // the class-data archive postinst made matches the installed runtime and class path (-Xshare:on
            // makes a mismatch an error instead of a silent fallback)
            assertThat(Path.of("/usr/lib/heirloom/heirloom.jsa")).isNotEmptyFile();
            Result mapped = run(List.of("/usr/lib/heirloom/runtime/bin/java", "-XX:+UseSerialGC", "-Xshare:on",
                    "-XX:SharedArchiveFile=/usr/lib/heirloom/heirloom.jsa", "-cp", "/usr/lib/heirloom/lib/*",
                    "dev.heirloom.cli.HeirloomCli", "--version"), noJava, true, 60);
            assertThat(mapped.code()).as(mapped.out()).isZero();

            Path src = photos();
            Files.createDirectories(tmp.resolve("usb"));
            try (GcsTestServer gcs = GcsTestServer.start(); S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"))) {
                gcs.createBucket("photos");
                Path cfg = tmp.resolve("heirloom.yaml");
                Files.writeString(cfg, """
                        source: { path: %s }
                        policy: 3-2-1
                        targets:
                          - { name: usb, path: %s, medium: external-disk, site: onsite }
                          - { name: s3, uri: "s3://photos/h", medium: cloud, site: offsite, options: { endpoint: "%s",
                              accessKeyId: %s, secretAccessKey: "${env:S3_SECRET}", createBucket: true } }
                          - { name: gcs, uri: "gs://photos/h", medium: cloud, site: offsite, options: { endpoint: "%s",
                              anonymous: true, resumeDir: %s } }
                        """.formatted(src, tmp.resolve("usb/heirloom"), s3.endpoint(), S3ProxyServer.ACCESS_KEY,
                        gcs.endpoint(), tmp.resolve("resume")));
                Map<String, String> env = new java.util.HashMap<>(noJava);
                env.put("S3_SECRET", S3ProxyServer.SECRET_KEY);
                Result backup = run(List.of("/usr/bin/heirloom", "backup", "-c", cfg.toString()), env, true, 300);
                assertThat(backup.code()).as(backup.out()).isZero();
                assertThat(backup.out()).contains("Policy 3-2-1: MET", "usb          ok", "s3           ok", "gcs          ok");
                Result verify = run(List.of("/usr/bin/heirloom", "verify", "-c", cfg.toString(), "--level", "content"), env,
                        true, 300);
                assertThat(verify.code()).as(verify.out()).isZero();
            }

            unitsAreValidAndTheirExecStartLinesRun(src, noJava);
        } finally {
            Result removed = run(root("dpkg", "--purge", "heirloom"), Map.of(), false, 300);
            assertThat(removed.code()).as(removed.out()).isZero();
        }
        assertThat(Path.of("/usr/bin/heirloom")).doesNotExist();
        assertThat(Path.of("/usr/lib/heirloom")).doesNotExist();
    }

    private void unitsAreValidAndTheirExecStartLinesRun(Path src, Map<String, String> noJava) throws Exception {
        Path system = Path.of("/lib/systemd/system");
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Result verified = run(List.of("systemd-analyze", "verify", system.resolve("heirloom.service").toString(),
                    system.resolve("heirloom@.service").toString()), Map.of(), false, 120);
            assertThat(verified.out()).as("systemd-analyze verify").doesNotContainIgnoringCase("heirloom.service:")
                    .doesNotContainIgnoringCase("heirloom@.service:");
        }
        // heirloom@.service: 'heirloom run' without -c reads the user's ~/.config/heirloom/heirloom.yaml
        String exec = execStart(system.resolve("heirloom@.service"));
        assertThat(exec).isEqualTo("/usr/bin/heirloom run");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(tmp.resolve("usb2"));
        Files.createDirectories(home.resolve(".config/heirloom"));
        Files.writeString(home.resolve(".config/heirloom/heirloom.yaml"), """
                source: { path: %s }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: %s, medium: external-disk, site: onsite }
                schedule: { backup: "every 1h" }
                """.formatted(src, tmp.resolve("usb2/heirloom")));
        Map<String, String> env = new java.util.HashMap<>(noJava);
        env.put("HOME", home.toString());
        ProcessBuilder pb = new ProcessBuilder(exec.split(" ")).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("unit.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(tmp.resolve("unit.log")).contains("backup SUCCEEDED") && System.nanoTime() < deadline
                && p.isAlive()) {
            Thread.sleep(100);
        }
        p.destroy(); // SIGTERM, as systemctl stop sends
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(tmp.resolve("unit.log"));
        assertThat(log).contains("backup SUCCEEDED");
        assertThat(p.exitValue()).as("SuccessExitStatus=143: " + log).isIn(0, 143);
        assertThat(execStart(system.resolve("heirloom.service")))
                .isEqualTo("/usr/bin/heirloom run -c /etc/heirloom/heirloom.yaml");
        assertThat(Files.readString(system.resolve("heirloom.service"))).contains("SuccessExitStatus=143");
        try (Stream<Path> snapshots = Files.list(tmp.resolve("usb2/heirloom/snapshots"))) {
            assertThat(snapshots.count()).isEqualTo(1);
        }
    }

    private static String execStart(Path unit) throws IOException {
        return Files.readAllLines(unit).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length()).trim();
    }
}
