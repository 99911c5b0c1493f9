package dev.heirloom.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Help works for every command, with or without a configuration, and prints no formatting warnings. */
class CliHelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"backup", "plan", "status", "snapshots", "restore", "verify", "repair", "forget", "unlock",
            "prune", "run"})
    void everyCommandHasHelp(String command) {
        for (CliRun r : new CliRun[] {CliRun.of(command, "--help"), CliRun.of(command, "-h"),
                CliRun.of(command, "-c", "nowhere.yaml", "--help"), CliRun.of("help", command)}) {
            assertThat(r.code()).as(r.all()).isZero();
            assertThat(r.out()).contains("Usage: heirloom " + command).contains("--config");
            assertThat(r.err()).as("no picocli warning").isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void aMissingConfigurationFileIsNamedInFull() {
        CliRun r = CliRun.of("status", "-c", "no-such-heirloom.yaml");
        assertThat(r.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains(java.nio.file.Path.of("no-such-heirloom.yaml").toAbsolutePath().toString())
                .contains("does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "help"})
    void theTopLevelHelpListsTheCommands(String how) {
        CliRun r = CliRun.of(how);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("backup", "restore", "verify", "Exit codes:");
        assertThat(r.err()).isEmpty();
    }
}
