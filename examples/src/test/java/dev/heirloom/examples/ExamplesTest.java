package dev.heirloom.examples;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.examples.plugin.PlainFolderProvider;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.StorageTargetContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void theEmbeddingExampleBacksUpTheSampleLibraryCompliantly() throws Exception {
        Path sample = Path.of("sample-library").toAbsolutePath();
        assertThat(sample.resolve("videos/VID_2021-12-24.mp4")).isRegularFile();
        BackupReport report = EmbeddedBackup.backUp(sample, tmp.resolve("usb"), tmp.resolve("nas"), tmp.resolve("offsite"),
                "a family passphrase");
        assertThat(report.succeeded()).isTrue();
        assertThat(tmp.resolve("offsite/keys")).as("the offsite copy is encrypted").isDirectory();
        assertThat(report.stats().files()).isEqualTo(7);
        assertThat(report.compliance().compliant()).isTrue();

        Path page = tmp.resolve("report.html");
        try (Heirloom h = EmbeddedBackup.open(sample, tmp.resolve("usb"), tmp.resolve("nas"), tmp.resolve("offsite"),
                "a family passphrase")) {
            dev.heirloom.report.PhotoReport photos = PhotoReportPage.write(h, page);
            assertThat(photos.met()).isTrue();
            assertThat(photos.files()).isEqualTo(7);
            assertThat(photos.months()).isNotEmpty();
        }
        assertThat(Files.readString(page)).contains("class=\"verdict met\"", "7 files in all");
    }

    @Test
    void aThirdPartyProviderIsFoundThroughServiceLoaderAndBacksUp() throws Exception {
        // registered by this module's test resources only: the shipped examples jar registers nothing
        assertThat(ProviderRegistry.load().schemes()).contains("plainfolder", "file").doesNotContain("mem");
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.jpg"), "photo");
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos())
                .target("card", URI.create("plainfolder://" + tmp.resolve("card").toAbsolutePath()), Medium.EXTERNAL_DISK, Site.ONSITE)
                .build()) {
            assertThat(h.backup().succeeded()).isTrue();
            h.restore("card", Optional.empty(), RestoreOptions.into(tmp.resolve("back")));
            assertThat(Files.readString(tmp.resolve("back/a.jpg"))).isEqualTo("photo");
        }
    }

    /** The third-party provider runs the same contract kit as Heirloom's own. */
    @Nested
    class PlainFolderContract extends StorageTargetContract {
        private int n;

        @Override
        protected StorageTarget newTarget() {
            return new PlainFolderProvider().open(TargetConfig.of(URI.create("plainfolder://" + tmp.resolve("t" + n++).toAbsolutePath())));
        }
    }
}
