package dev.heirloom;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;
import dev.heirloom.report.HtmlReport;
import dev.heirloom.report.MonthCoverage;
import dev.heirloom.report.PhotoReport;
import dev.heirloom.report.TargetCard;
import dev.heirloom.report.Thumbnails;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.tck.memory.InMemoryTarget;
import dev.heirloom.testservers.MediaSamples;
import dev.heirloom.verify.VerifyLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The photo report counts as the policy check does and groups photos and videos by the month they
 * were taken: a month whose photos one target lacks is short, the photo is listed at risk with
 * its thumbnail, and the page says what to do.
 */
class PhotoReportTest {
    @TempDir
    Path tmp;

    private final InMemoryTarget usb = new InMemoryTarget();
    private final InMemoryTarget cloud = new InMemoryTarget();
    private final ProviderRegistry registry = ProviderRegistry.of(new TestProvider("t",
            c -> c.uri().getHost().equals("usb") ? usb : cloud));

    private Heirloom heirloom(Path src, boolean withCloud) {
        var b = Heirloom.builder().source(src, MediaFilter.photosAndVideos()).registry(registry)
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE);
        if (withCloud) {
            b.target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE);
        }
        return b.build();
    }

    @Test
    void aMonthOneTargetLacksIsShortAndItsPhotoIsAtRisk() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        MediaSamples.datedJpeg(src.resolve("2019/IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        MediaSamples.datedJpeg(src.resolve("2019/IMG_0002.jpg"), "2019:07:15 09:00:00", Color.RED);
        MediaSamples.datedMp4(src.resolve("2017/VID_0001.mp4"), "2017-03-05T10:00:00Z");
        Path scan = MediaSamples.jpeg(src.resolve("scans/scan.jpg"), 64, 48, Color.GRAY);
        Files.setLastModifiedTime(scan, FileTime.from(Instant.parse("2015-06-01T12:00:00Z")));
        try (Heirloom both = heirloom(src, true)) {
            assertThat(both.backup().compliance().compliant()).isTrue();
            PhotoReport all = both.report();
            assertThat(all.met()).isTrue();
            assertThat(all.atRiskTotal()).isZero();
            assertThat(all.months()).extracting(MonthCoverage::month).containsExactly("2015-06", "2017-03", "2019-07");
            assertThat(all.datedByFileTime()).isEqualTo(1);
            assertThat(all.nextSteps()).anyMatch(s -> s.contains("heirloom verify --target usb"));
        }

        // a new photo reaches the USB disk only
        MediaSamples.datedJpeg(src.resolve("2021/<b>IMG & co.jpg"), "2021:02:03 04:05:06", Color.ORANGE);
        try (Heirloom usbOnly = heirloom(src, false)) {
            usbOnly.backup();
            usbOnly.verify("usb", VerifyLevel.PRESENT, 100);
        }
        try (Heirloom both = heirloom(src, true)) {
            PhotoReport r = both.report();
            assertThat(r.met()).isFalse();
            assertThat(r.verdict()).isEqualTo("NOT MET");
            assertThat(r.reasons().get(0)).startsWith("1 of 5 files have fewer than 3 copies");
            assertThat(r.photos()).isEqualTo(4);
            assertThat(r.videos()).isEqualTo(1);
            Map<String, MonthCoverage> months = new java.util.HashMap<>();
            r.months().forEach(m -> months.put(m.month(), m));
            assertThat(months.get("2021-02").shortOfPolicy()).isEqualTo(1);
            assertThat(months.get("2021-02").fewestCopies()).isEqualTo(2);
            assertThat(months.get("2019-07").photos()).isEqualTo(2);
            assertThat(months.get("2019-07").fewestCopies()).isEqualTo(3);
            assertThat(months.get("2019-07").shortOfPolicy()).isZero();
            assertThat(months.get("2017-03").videos()).isEqualTo(1);
            assertThat(months.get("2015-06").datedByFileTime()).isEqualTo(1);
            assertThat(r.years()).extracting(dev.heirloom.report.YearCoverage::year)
                    .containsExactly("2015", "2017", "2019", "2021");
            assertThat(r.years().get(3)).isEqualTo(new dev.heirloom.report.YearCoverage("2021", 1, 1, 2));
            assertThat(r.years().get(2)).isEqualTo(new dev.heirloom.report.YearCoverage("2019", 2, 0, 3));

            assertThat(r.atRisk()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("2021/<b>IMG & co.jpg");
                assertThat(f.folder()).isEqualTo("2021");
                assertThat(f.captured()).isEqualTo("2021-02-03T04:05:06");
                assertThat(f.heldBy()).containsExactly("source", "usb");
                // the source's internal disk and the USB disk are two kinds of medium: only copies and offsite are short
                assertThat(f.reasons()).containsExactly("2 copies, the policy asks for 3", "0 offsite, the policy asks for 1");
            });
            TargetCard usbCard = r.targets().get(0);
            assertThat(usbCard.name()).isEqualTo("usb");
            assertThat(usbCard.history()).hasSize(2);
            assertThat(usbCard.verifications()).extracting(TargetCard.Verification::level).containsExactly("present");
            assertThat(usbCard.lacking()).isZero();
            assertThat(r.targets().get(1).lastSnapshot().orElseThrow().files()).isEqualTo(4);
            assertThat(r.targets().get(1).lacking()).isEqualTo(1);
            assertThat(r.nextSteps()).anyMatch(s -> s.endsWith(": heirloom backup"));

            String html = HtmlReport.render(r, Thumbnails.fromSource(src, false), ZoneOffset.UTC);
            assertThat(html).contains("NOT MET", "data-month=\"2021-02\"", "&lt;b&gt;IMG &amp; co.jpg",
                    "<img src=\"data:image/jpeg;base64,", "alt=\"photo &lt;b&gt;IMG &amp; co.jpg\"");
            assertThat(html).doesNotContain("<b>IMG").doesNotContain("http://").doesNotContain("https://")
                    .doesNotContain("<script");
        }
    }

    @Test
    void aFileWithAFailedVerificationIsAtRiskWithTheRepairCommand() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        MediaSamples.datedJpeg(src.resolve("IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        MediaSamples.datedJpeg(src.resolve("IMG_0002.jpg"), "2019:08:14 15:30:00", Color.GREEN);
        try (Heirloom h = heirloom(src, true)) {
            h.backup();
            var repo = h.repository("usb");
            String content = repo.trees().get(repo.snapshots().get(0).root()).entry("IMG_0002.jpg").orElseThrow().content();
            usb.delete(dev.heirloom.repository.RepositoryLayout.objectKey(content));
            assertThat(h.verify("usb", VerifyLevel.PRESENT, 100).badCount()).isEqualTo(1);
            PhotoReport r = h.report();
            assertThat(r.met()).isFalse();
            assertThat(r.atRisk()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("IMG_0002.jpg");
                assertThat(f.reasons()).anyMatch(why -> why.contains("usb (failed verification)"));
            });
            assertThat(r.nextSteps()).anyMatch(s -> s.endsWith("heirloom repair --target usb"));
        }
    }

    @Test
    void aPhotoSuspectedOfBitRotIsAtRiskThoughItHasItsCopies() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        Path photo = MediaSamples.datedJpeg(src.resolve("IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        MediaSamples.datedJpeg(src.resolve("IMG_0002.jpg"), "2019:07:15 15:30:00", Color.GREEN);
        try (Heirloom h = heirloom(src, true)) {
            h.backup();
            // one byte of the picture flips on the disk: same size, same modification time
            FileTime mtime = Files.getLastModifiedTime(photo);
            byte[] bytes = Files.readAllBytes(photo);
            bytes[bytes.length - 10] ^= 0x40;
            Files.write(photo, bytes);
            Files.setLastModifiedTime(photo, mtime);
            var found = h.backup(dev.heirloom.backup.ProgressListener.NONE, 100);
            assertThat(found.suspectedBitRot()).hasSize(1);
            assertThat(found.compliance().compliant()).as("right after the backup that found it").isFalse();
            assertThat(h.backup().compliance().compliant()).as("and after one that carried the mark on").isFalse();
            assertThat(h.status().compliance().compliant()).as("the source's damaged photo is no copy").isFalse();
            PhotoReport r = h.report();
            assertThat(r.met()).isFalse();
            assertThat(r.atRiskTotal()).isEqualTo(1);
            assertThat(r.atRisk().get(0).path()).isEqualTo("IMG_0001.jpg");
            assertThat(r.atRisk().get(0).heldBy()).containsExactly("usb", "cloud");
            assertThat(r.atRisk().get(0).reasons()).anyMatch(why -> why.startsWith("suspected bit rot"));
            assertThat(r.reasons()).anyMatch(why -> why.contains("suspected bit rot"));
            assertThat(r.nextSteps()).anyMatch(s -> s.contains("heirloom restore --path"));
        }
    }

    @Test
    void anUnpluggedDiskIsShownAsSuchWithTheStepThatBringsItBack() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("Pictures"));
        MediaSamples.datedJpeg(src.resolve("IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        try (Heirloom h = heirloom(src, true)) {
            h.backup();
        }
        ProviderRegistry unplugged = ProviderRegistry.of(new TestProvider("t", c -> {
            if (c.uri().getHost().equals("usb")) {
                throw new dev.heirloom.spi.StorageException("folder /media/ann/USB does not exist (is the disk mounted?)");
            }
            return cloud;
        }));
        try (Heirloom h = Heirloom.builder().source(src, MediaFilter.photosAndVideos()).registry(unplugged)
                .target("usb", URI.create("t://usb"), Medium.EXTERNAL_DISK, Site.ONSITE)
                .target("cloud", URI.create("t://cloud"), Medium.CLOUD, Site.OFFSITE).build()) {
            PhotoReport r = h.report();
            assertThat(r.met()).isFalse();
            assertThat(r.reasons()).contains("Target 'usb' could not be read, so its copies were not counted.");
            TargetCard usbCard = r.targets().get(0);
            assertThat(usbCard.error()).hasValueSatisfying(e -> assertThat(e).contains("is the disk mounted?"));
            assertThat(usbCard.counted()).isFalse();
            // the snapshot on the cloud says the backup that wrote it reached the USB disk too
            Instant seen = r.targets().get(1).lastSnapshot().orElseThrow().time();
            assertThat(usbCard.lastReached()).contains(seen);
            assertThat(r.targets().get(1).lastReached()).as("only for a target away").isEmpty();
            assertThat(r.nextSteps()).anyMatch(s -> s.startsWith("Plug in the USB disk of target 'usb' (last reached by "
                    + "the backup of ") && s.contains("is the disk mounted?") && s.endsWith(": heirloom backup"));
            String html = HtmlReport.render(r, Thumbnails.none(), ZoneOffset.UTC);
            assertThat(html).contains("class=\"card down\" data-target=\"usb\"", "cannot be read: folder /media/ann/USB",
                    "last reached by the backup of", "none of its copies can be counted");
            assertThat(h.snapshots("cloud").get(0).reached()).containsExactly("usb", "cloud");
        }
    }
}
