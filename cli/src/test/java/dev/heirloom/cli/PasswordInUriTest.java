package dev.heirloom.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A password written into a target URI is refused without being repeated anywhere. */
class PasswordInUriTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"sftp://ann:hunter2@/photos", "sftp://ann:hunter2@nas.local/photos",
            "azure://ann:hunter2@container/prefix", "gs://x:hunter2@bucket/p"})
    void theCommandsRefuseItAndNeverPrintIt(String uri) throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, "source: { path: Pictures }\ntargets:\n  - { name: x, uri: \"" + uri
                + "\", medium: nas, site: onsite }\n");
        for (String[] args : new String[][] {{"status"}, {"plan"}, {"backup"}, {"status", "--json"}, {"snapshots"}}) {
            String[] full = new String[args.length + 2];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "-c";
            full[args.length + 1] = cfg.toString();
            CliRun r = CliRun.of(full);
            assertThat(r.code()).as(r.all()).isEqualTo(HeirloomCli.USAGE);
            assertThat(r.all()).contains("carries a password").doesNotContain("hunter2");
        }
    }
}
