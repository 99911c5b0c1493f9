package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** policy: 3-2-1-1-0 and offline: true in the configuration, as plan, backup, verify and status show them. */
class ThreeTwoOneOneZeroCliTest {
    @TempDir
    Path tmp;

    private Path config(String usbOffline) throws Exception {
        Path src = tmp.resolve("Pictures");
        Files.createDirectories(src.resolve("2019"));
        Files.writeString(src.resolve("2019/beach.jpg"), "the beach");
        for (String t : new String[] {"usb", "nas", "cloud"}) {
            Files.createDirectories(tmp.resolve(t));
        }
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: 3-2-1-1-0
                targets:
                  - { name: usb, path: usb/h, medium: external-disk, site: onsite%s }
                  - { name: nas, path: nas/h, medium: nas, site: onsite }
                  - { name: cloud, path: cloud/h, medium: cloud, site: offsite, encryption: none }
                """.formatted(usbOffline));
        return cfg;
    }

    @Test
    void withoutAnOfflineTargetThePlanSaysItCanNeverComply() throws Exception {
        CliRun plan = CliRun.of("plan", "-c", config("").toString());
        assertThat(plan.out()).contains("no target is offline or locked against deletion");
    }

    @Test
    void anOfflineDiskAndVerifiedCopiesMeetIt() throws Exception {
        Path cfg = config(", offline: true");
        CliRun backup = CliRun.of("backup", "-c", cfg.toString());
        assertThat(backup.code()).as(backup.all()).isEqualTo(3);
        assertThat(backup.out()).contains("Policy 3-2-1-1-0: NOT MET").contains("never verified");

        CliRun verify = CliRun.of("verify", "--level", "content", "-c", cfg.toString());
        assertThat(verify.code()).as(verify.all()).isZero();
        CliRun status = CliRun.of("status", "-c", cfg.toString());
        assertThat(status.code()).as(status.all()).isZero();
        assertThat(status.out()).contains("Policy 3-2-1-1-0: MET").contains("1 offline or locked")
                .contains("no error in the last verification of each copy");

        CliRun wrongType = CliRun.of("plan", "-c", Files.writeString(tmp.resolve("bad.yaml"),
                Files.readString(cfg).replace("offline: true", "offline: sometimes")).toString());
        assertThat(wrongType.code()).isEqualTo(2);
        assertThat(wrongType.err()).contains("targets[0].offline");
    }
}
