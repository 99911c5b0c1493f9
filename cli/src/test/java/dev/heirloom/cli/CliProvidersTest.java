package dev.heirloom.cli;

import dev.heirloom.storage.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The providers the command finds are the production ones: a backup must never "succeed" into
 * memory ({@code mem://}, a test double in the TCK) or into the example plugin
 * ({@code plainfolder://}), and neither is registered in a jar the CLI ships with.
 */
class CliProvidersTest {
    @TempDir
    Path tmp;

    @Test
    void serviceLoaderFindsExactlyTheShippedProviders() {
        // this class path holds the CLI's runtime jars plus the TCK and the test servers
        assertThat(ProviderRegistry.load().schemes()).containsExactlyInAnyOrder("file", "sftp", "azure", "gs", "s3",
                "vfs+ftp", "vfs+ftps", "vfs+webdav4", "vfs+webdav4s", "vfs+sftp");
    }

    @Test
    void aMemoryTargetIsAConfigurationError() throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        Path file = tmp.resolve("heirloom.yaml");
        Files.writeString(file, """
                source: { path: Pictures, medium: internal-disk, site: onsite }
                policy: 3-2-1
                targets:
                  - { name: ram, uri: "mem://ram", medium: external-disk, site: onsite }
                """);
        CliRun r = CliRun.of("backup", "-c", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("mem");
    }
}
