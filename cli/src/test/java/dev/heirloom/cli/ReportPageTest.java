package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.heirloom.testservers.HeadlessChromium;
import dev.heirloom.testservers.MediaSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code heirloom report --html} on a library of real photos and a video, one target lacking the
 * newest photos: the page, opened in headless Chromium, shows the verdict, the year with missing
 * copies and the photo at risk with its thumbnail, at desktop and at phone width. The screenshots
 * are kept in {@code target/report-screenshots}.
 */
class ReportPageTest {
    private static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    @TempDir
    Path tmp;

    private static String config(String targets) {
        return "source: { path: Pictures }\npolicy: { copies: 3, media: 2, offsite: 1 }\ntargets:\n" + targets;
    }

    @Test
    void thePageShowsTheVerdictTheShortYearAndThePhotoAtRisk() throws Exception {
        Path src = tmp.resolve("Pictures");
        MediaSamples.datedJpeg(src.resolve("2018/IMG_0001.jpg"), "2018:05:20 10:00:00", Color.BLUE);
        MediaSamples.datedJpeg(src.resolve("2019/IMG_0101.jpg"), "2019:07:14 15:30:00", Color.RED);
        MediaSamples.datedJpeg(src.resolve("2019/IMG_0102.jpg"), "2019:07:15 09:12:00", Color.MAGENTA);
        MediaSamples.datedHeic(src.resolve("2019/IMG_0103.HEIC"), "2019:08:01 12:00:00");
        MediaSamples.datedMp4(src.resolve("2020/VID_0001.mp4"), "2020-12-24T18:00:00Z");
        Path scan = MediaSamples.jpeg(src.resolve("scans/scan-001.jpg"), 200, 150, Color.GRAY);
        Files.setLastModifiedTime(scan, FileTime.from(Instant.parse("2016-03-10T12:00:00Z")));
        String usb = "  - { name: usb, path: usb/heirloom, medium: external-disk, site: onsite }\n";
        Path full = Files.writeString(tmp.resolve("heirloom.yaml"), config(usb
                + "  - { name: parents, path: parents/heirloom, medium: nas, site: offsite }\n"));
        Path usbOnly = Files.writeString(tmp.resolve("usb-only.yaml"), config(usb));
        Files.createDirectories(tmp.resolve("usb"));
        Files.createDirectories(tmp.resolve("parents"));
        CliRun first = CliRun.of("backup", "-c", full.toString(), "-q");
        assertThat(first.code()).as(first.all()).isEqualTo(HeirloomCli.OK);

        // the newest photos reach the USB disk only
        MediaSamples.datedJpeg(src.resolve("2021/IMG_2101.jpg"), "2021:06:01 08:00:00", Color.ORANGE);
        assertThat(CliRun.of("backup", "-c", usbOnly.toString(), "-q").code()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(CliRun.of("verify", "-c", full.toString(), "--level", "content").code()).isZero();

        Path page = tmp.resolve("out/report.html");
        CliRun report = CliRun.of("report", "-c", full.toString(), "--html", page.toString());
        assertThat(report.code()).as(report.all()).isEqualTo(HeirloomCli.POLICY_NOT_MET);
        assertThat(report.out()).contains("NOT MET", "2021", "SHORT", "2021/IMG_2101.jpg", "heirloom backup");
        String html = Files.readString(page);
        assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("<link");

        // a copy of the page with a probe telling what the browser made of it: laid-out width, decoded pictures
        Path probe = tmp.resolve("out/probe.html");
        Files.writeString(probe, html.replace("</body>", "<script>document.body.dataset.scrollWidth = "
                + "document.documentElement.scrollWidth; document.body.dataset.viewWidth = window.innerWidth; for (const i of document.images) { i.dataset.decodedWidth = "
                + "i.naturalWidth; }</script></body>"));
        HeadlessChromium chromium = new HeadlessChromium(tmp.resolve("chromium"));
        String dom = chromium.dumpDom(probe, 1100, 1400);
        assertThat(dom).contains("class=\"verdict not-met\"", "NOT MET");
        assertThat(row(dom, "2021")).contains("1 of 1 short");
        assertThat(row(dom, "2019")).contains("all 3 have 3+ copies").contains("data-month=\"2019-07\"");
        assertThat(row(dom, "2020")).as("the video, by its creation time").contains("data-month=\"2020-12\"");
        assertThat(row(dom, "2016")).as("the scan without metadata, by its file time").contains("data-month=\"2016-03\"");
        assertThat(dom).contains("without a capture date");
        Matcher atRisk = Pattern.compile("<li data-path=\"2021/IMG_2101.jpg\">(.*?)</li>", Pattern.DOTALL).matcher(dom);
        assertThat(atRisk.find()).as("the photo at risk is listed").isTrue();
        assertThat(atRisk.group(1)).contains("IMG_2101.jpg", "alt=\"photo IMG_2101.jpg\"", "data-decoded-width=\"96\"",
                "2 copies, the policy asks for 3");
        assertThat(dom).contains("data-target=\"parents\"").contains("lacks 1 of 7 files");

        String phone = chromium.dumpDom(probe, 390, 844);
        int view = number(phone, "data-view-width");
        assertThat(view).as("a phone-sized window (headless Chromium's narrowest)").isLessThanOrEqualTo(500);
        assertThat(number(phone, "data-scroll-width")).as("nothing wider than the screen").isLessThanOrEqualTo(view);

        Path desktop = chromium.screenshot(page, 1100, 1500, SCREENSHOTS.resolve("report.png"));
        Path narrow = chromium.screenshot(page, 390, 1800, SCREENSHOTS.resolve("report-phone.png"));
        assertThat(redVerdictPixels(desktop)).as("the NOT MET banner is drawn").isGreaterThan(10_000);
        assertThat(redVerdictPixels(narrow)).isGreaterThan(2_000);

        CliRun json = CliRun.of("report", "-c", full.toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("..", "docs", "schemas", "report.schema.json"))).validate(doc))
                .as(json.out()).isEmpty();
        assertThat(doc.at("/met").asBoolean()).isFalse();
        assertThat(doc.at("/atRisk/0/path").asText()).isEqualTo("2021/IMG_2101.jpg");
    }

    private static int number(String dom, String attribute) {
        Matcher m = Pattern.compile(attribute + "=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as(attribute).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The {@code <tr>} of one year in the coverage table. */
    private static String row(String dom, String year) {
        Matcher m = Pattern.compile("<tr data-year=\"" + year + "\">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("a row for " + year).isTrue();
        return m.group(1);
    }

    /** Pixels of the NOT MET banner's background colour (#f8d3d3). */
    private static long redVerdictPixels(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color c = new Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - 0xf8) < 6 && Math.abs(c.getGreen() - 0xd3) < 6 && Math.abs(c.getBlue() - 0xd3) < 6) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void aWrongReportSectionIsAClearUsageError() throws Exception {
        Files.createDirectories(tmp.resolve("Pictures"));
        String base = config("  - { name: usb, path: usb, medium: external-disk, site: onsite }\n");
        Path cfg = tmp.resolve("h.yaml");
        Files.writeString(cfg, base + "report: report.html\n");
        CliRun notAMapping = CliRun.of("status", "-c", cfg.toString());
        assertThat(notAMapping.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(notAMapping.err()).contains("report must be a mapping");
        Files.writeString(cfg, base + "report: { pdf: report.pdf }\n");
        CliRun unknown = CliRun.of("status", "-c", cfg.toString());
        assertThat(unknown.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(unknown.err()).contains("report: unknown field 'pdf'");
        Files.writeString(cfg, base + "report: { html: [a, b] }\n");
        CliRun list = CliRun.of("status", "-c", cfg.toString());
        assertThat(list.code()).isEqualTo(HeirloomCli.USAGE);
        assertThat(list.err()).contains("report.html");
    }
}
