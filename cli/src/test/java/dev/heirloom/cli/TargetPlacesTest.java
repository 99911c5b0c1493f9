package dev.heirloom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One folder is one copy however it is spelled, and no target may sit inside the source. */
class TargetPlacesTest {
    @TempDir
    Path tmp;

    private CliRun status(String targets) throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        Path cfg = tmp.resolve("heirloom.yaml");
        Files.writeString(cfg, "source: { path: Pictures }\npolicy: 3-2-1\ntargets:\n" + targets);
        return CliRun.of("status", "-c", cfg.toString());
    }

    @Test
    void theSameFolderTwiceIsRefused() throws Exception {
        Files.createDirectories(tmp.resolve("usb"));
        CliRun r = status("""
                  - { name: usb,  path: usb/heirloom,     medium: external-disk, site: onsite }
                  - { name: nas,  path: usb/./heirloom/,  medium: nas,           site: onsite }
                  - { name: cloud, path: cloud/heirloom,  medium: cloud,         site: offsite }
                """);
        assertThat(r.code()).as(r.all()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("targets usb and nas are the same place").contains("one copy, not two");
    }

    @Test
    void aFolderReachedThroughALinkIsTheSamePlace() throws Exception {
        Files.createDirectories(tmp.resolve("usb/heirloom"));
        Files.createSymbolicLink(tmp.resolve("nas"), tmp.resolve("usb"));
        CliRun r = status("""
                  - { name: usb,  path: usb/heirloom,  medium: external-disk, site: onsite }
                  - { name: nas,  path: nas/heirloom,  medium: nas,           site: onsite }
                  - { name: cloud, path: cloud/heirloom, medium: cloud,      site: offsite }
                """);
        assertThat(r.code()).as(r.all()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("targets usb and nas are the same place");
    }

    @Test
    void aTargetInsideTheSourceIsRefused() throws Exception {
        CliRun r = status("""
                  - { name: usb,  path: Pictures/backup, medium: external-disk, site: onsite }
                """);
        assertThat(r.code()).as(r.all()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("inside the source folder");
    }

    @Test
    void aBadProviderOptionValueIsAConfigurationErrorBeforeAnyTargetOpens() throws Exception {
        CliRun r = status("""
                  - { name: usb,  path: usb/heirloom, medium: external-disk, site: onsite, options: { fsync: sometimes } }
                """);
        assertThat(r.code()).as(r.all()).isEqualTo(HeirloomCli.USAGE);
        assertThat(r.err()).contains("target usb: option fsync must be true or false");
        assertThat(tmp.resolve("usb")).as("nothing was opened or created").doesNotExist();
    }

    @Test
    void distinctFoldersAreFine() throws Exception {
        CliRun r = status("""
                  - { name: usb,  path: usb/heirloom,  medium: external-disk, site: onsite }
                  - { name: nas,  path: usb/heirloom2, medium: nas,           site: onsite }
                """);
        assertThat(r.err()).doesNotContain("same place");
    }
}
