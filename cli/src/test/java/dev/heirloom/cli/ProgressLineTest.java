package dev.heirloom.cli;

import dev.heirloom.source.SourceCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress line: counts until the source is counted, then percent, rate and time left; --quiet says only what needs a person. */
class ProgressLineTest {
    @TempDir
    Path tmp;

    @Test
    void onceTheSourceIsCountedTheLineShowsTheShareDoneAndTheTimeLeft() {
        assertThat(ProgressBar.line(3, 10, 300, 300, 300, null, 1.0)).startsWith("3/10 files").doesNotContain("ETA");
        String half = ProgressBar.line(5, 9, 512L << 20, 256L << 20, 256L << 20, new SourceCount(10, 1L << 30), 10.0);
        assertThat(half).startsWith(" 50%  5/10 files  512.0 MiB of 1.0 GiB").contains("ETA 10s");
        assertThat(ProgressBar.line(10, 10, 1L << 30, 0, 0, new SourceCount(10, 1L << 30), 30.0))
                .startsWith("100%").contains("ETA 0s");
        assertThat(ProgressBar.duration(754)).isEqualTo("12m34s");
        assertThat(ProgressBar.duration(3 * 3600 + 5 * 60 + 9)).isEqualTo("3h05m");
    }

    @Test
    void restoreAndVerifyLinesShowTheShareOnceTheTotalIsKnown() {
        assertThat(OperationProgressBar.line("restore", 2, 100, -1, 0, 1.0)).startsWith("restore  2 done");
        assertThat(OperationProgressBar.line("verify usb", 5, 50L << 20, 10, 100L << 20, 4.0))
                .startsWith("verify usb  50%  5/10  50.0 MiB of 100.0 MiB").contains("ETA 4s");
        assertThat(OperationProgressBar.line("verify usb", 3, 0, 6, 0, 4.0)).as("objects only (present level)")
                .startsWith("verify usb  50%  3/6");
    }

    @Test
    void quietPrintsNothingWhenAllIsWellAndTheReportWhenNot() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        Files.writeString(src.resolve("IMG_1.jpg"), "jpeg");
        Files.createDirectories(tmp.resolve("usb"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, "source: { path: Pictures }\npolicy: { copies: 2, media: 2, offsite: 0 }\ntargets:\n"
                + "  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }\n");
        CliRun fine = CliRun.of("backup", "-c", cfg.toString(), "--quiet");
        assertThat(fine.code()).isZero();
        assertThat(fine.out()).isEmpty();
        Files.writeString(cfg, Files.readString(cfg).replace("offsite: 0", "offsite: 1"));
        CliRun short1 = CliRun.of("backup", "-c", cfg.toString(), "-q");
        assertThat(short1.code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(short1.out()).contains("NOT MET");
    }
}
