package dev.heirloom.examples;

import dev.heirloom.Heirloom;
import dev.heirloom.report.HtmlReport;
import dev.heirloom.report.MonthCoverage;
import dev.heirloom.report.PhotoReport;
import dev.heirloom.report.Thumbnails;

import java.nio.file.Path;
import java.time.ZoneId;

/**
 * Writes the photo report of the folder {@link EmbeddedBackup} backs up as a web page, from a
 * program: the verdict, the photos per month taken with their copies, the photos at risk.
 *
 * <p>Run: {@code java -cp ... dev.heirloom.examples.PhotoReportPage PICTURES USB_FOLDER NAS_FOLDER OFFSITE_FOLDER PAGE}
 */
public final class PhotoReportPage {
    private PhotoReportPage() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: PhotoReportPage PICTURES USB_FOLDER NAS_FOLDER OFFSITE_FOLDER PAGE");
            System.exit(2);
        }
        try (Heirloom heirloom = EmbeddedBackup.open(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                System.getenv("HEIRLOOM_PASSPHRASE"))) {
            PhotoReport report = write(heirloom, Path.of(args[4]));
            System.out.printf("policy %s: %s - %s%n", report.policy(), report.verdict(), report.reasons().get(0));
            for (MonthCoverage m : report.months()) {
                System.out.printf("  %s  %d photos, %d videos, fewest copies %d%n", m.month(), m.photos(), m.videos(),
                        m.fewestCopies());
            }
            System.exit(report.met() ? 0 : 1);
        }
    }

    /** The whole integration: make the report, write the page with thumbnails from the source. */
    public static PhotoReport write(Heirloom heirloom, Path page) {
        PhotoReport report = heirloom.report();
        HtmlReport.write(report, Thumbnails.fromSource(heirloom.source().root(), heirloom.source().followLinks()),
                ZoneId.systemDefault(), page);
        return report;
    }
}
