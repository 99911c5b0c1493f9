package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Bandwidth limits from the configuration and the command line; a value of the wrong kind is a configuration error. */
class BandwidthCliTest {
    @TempDir
    Path tmp;

    private Path config(String extra) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures/2019"));
        byte[] b = new byte[256 * 1024];
        Random r = new Random(1);
        for (int i = 0; i < 4; i++) {
            r.nextBytes(b);
            Files.write(src.resolve("IMG_" + i + ".jpg"), b);
        }
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, """
                source: { path: Pictures }
                policy: { copies: 2, media: 2, offsite: 0 }
                targets:
                  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite %s }
                """.formatted(extra));
        return cfg;
    }

    @Test
    void aConfiguredTargetLimitSlowsItsUploadsAndTheCommandLineReplacesTheRunWideOne() throws Exception {
        Path cfg = config(", bandwidth: { upload: 512 }");
        long start = System.nanoTime();
        CliRun slow = CliRun.of("backup", "-c", cfg.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(slow.code()).as(slow.all()).isZero();
        assertThat(seconds).as("1 MiB at 512 KiB/s").isGreaterThan(1.7);

        CliRun bad = CliRun.of("backup", "-c", cfg.toString(), "--limit-upload", "0");
        assertThat(bad.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(bad.err()).contains("--limit-upload and --limit-download take a number of KiB/s");
    }

    @Test
    void aLimitThatIsNotAWholeNumberIsRefused() throws Exception {
        for (String wrong : new String[] {"{ upload: fast }", "{ upload: 1.5 }", "{ upload: 100, sideways: 1 }", "100"}) {
            Path cfg = config(", bandwidth: " + wrong);
            CliRun r = CliRun.of("plan", "-c", cfg.toString());
            assertThat(r.code()).as(wrong + ": " + r.all()).isEqualTo(HeirloomCli.USAGE);
            assertThat(r.err()).as(wrong).contains("bandwidth");
        }
    }
}
