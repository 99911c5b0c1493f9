package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.report.HtmlReport;
import dev.heirloom.report.PhotoReport;
import dev.heirloom.report.Thumbnails;
import dev.heirloom.report.YearCoverage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code heirloom report}: the photo-aware 3-2-1 report, as text, as a web page, or as JSON. */
@Command(name = "report", description = "Are the photos safe? The policy's verdict, each target's state, the photos and "
        + "videos by year taken with their copies, the files at risk and what to do next; --html FILE writes it as one "
        + "self-contained web page (open it in any browser, print it, send it).")
final class ReportCommand extends HeirloomCli.Common implements Callable<Integer> {
    @Option(names = "--html", paramLabel = "FILE", description = "write the report as a web page to FILE")
    Path html;

    @Override
    public Integer call() {
        try (Heirloom h = open()) {
            PhotoReport report = h.report();
            if (html != null) {
                try {
                    write(h, report, html);
                } catch (java.io.UncheckedIOException e) {
                    if (json) {
                        Output.jsonError(out(), name(), e.getMessage(), HeirloomCli.FAILED);
                    } else {
                        spec.commandLine().getErr().println("heirloom report: " + e.getMessage());
                    }
                    return HeirloomCli.FAILED;
                }
            }
            if (json) {
                Output.json(out(), name(), report);
            } else {
                print(out(), report, html);
            }
            if (report.targets().stream().anyMatch(t -> t.error().isPresent())) {
                return HeirloomCli.FAILED;
            }
            return report.met() ? HeirloomCli.OK : HeirloomCli.POLICY_NOT_MET;
        }
    }

    /** Writes the web page, with thumbnails of the photos at risk made from the source. */
    static void write(Heirloom h, PhotoReport report, Path file) {
        HtmlReport.write(report, Thumbnails.fromSource(h.source().root(), h.source().followLinks()), ZoneId.systemDefault(),
                file);
    }

    private static void print(PrintWriter out, PhotoReport r, Path html) {
        out.printf(Locale.ROOT, "Policy %s: %s - %s%n", r.policy(), r.verdict(), r.reasons().isEmpty() ? "" : r.reasons().get(0));
        r.reasons().stream().skip(1).forEach(reason -> out.println("  " + reason));
        if (!r.years().isEmpty()) {
            out.println("Photos and videos by year taken:");
            for (YearCoverage y : r.years()) {
                out.printf(Locale.ROOT, "  %s  %,8d  %s%n", y.year(), y.files(), y.shortOfPolicy() == 0
                        ? "ok, " + y.fewestCopies() + "+ copies each"
                        : String.format(Locale.ROOT, "%,d SHORT of the policy", y.shortOfPolicy()));
            }
        }
        if (r.atRiskTotal() > 0) {
            out.printf(Locale.ROOT, "At risk: %,d file(s)%n", r.atRiskTotal());
            r.atRisk().stream().limit(10).forEach(f -> out.printf(Locale.ROOT, "  %s: %s%n", f.path(), String.join("; ", f.reasons())));
            if (r.atRiskTotal() > 10) {
                out.printf(Locale.ROOT, "  ... and %,d more%s%n", r.atRiskTotal() - 10, html == null ? " (--html lists them)" : "");
            }
        }
        if (!r.nextSteps().isEmpty()) {
            out.println("Next:");
            r.nextSteps().forEach(s -> out.println("  - " + s));
        }
        if (html != null) {
            out.println("Report written to " + html.toAbsolutePath());
        }
    }
}
