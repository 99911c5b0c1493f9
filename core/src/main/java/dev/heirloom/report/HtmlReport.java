package dev.heirloom.report;

import dev.heirloom.plan.Sizes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link PhotoReport} as one self-contained web page: inline CSS and SVG, thumbnails as
 * {@code data:} URIs, no script, no font or anything else fetched, so it works opened from disk,
 * sent by mail and printed. Every colour comes with text saying the same, and it reads at phone width.
 */
public final class HtmlReport {
    /** Most thumbnails in one report; later files at risk show an icon. */
    public static final int THUMBNAILS = 120;
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final String CSS = css();

    private final PhotoReport report;
    private final Thumbnails thumbnails;
    private final ZoneId zone;
    private final StringBuilder html = new StringBuilder(32 * 1024);

    private HtmlReport(PhotoReport report, Thumbnails thumbnails, ZoneId zone) {
        this.report = report;
        this.thumbnails = thumbnails;
        this.zone = zone;
    }

    /**
     * The page for a report.
     *
     * @param thumbnails where pictures of the files at risk come from ({@link Thumbnails#none()} for icons only)
     * @param zone       the time zone dates are shown in
     */
    public static String render(PhotoReport report, Thumbnails thumbnails, ZoneId zone) {
        return new HtmlReport(report, thumbnails, zone).page();
    }

    /**
     * Writes the page for a report to {@code file}, whole or not at all: into a temporary file
     * beside it, then moved over it, so a reader never sees half a page.
     *
     * @throws UncheckedIOException when it cannot be written
     */
    public static void write(PhotoReport report, Thumbnails thumbnails, ZoneId zone, Path file) {
        Path target = file.toAbsolutePath();
        byte[] page = render(report, thumbnails, zone).getBytes(StandardCharsets.UTF_8);
        Path temporary = null;
        try {
            Files.createDirectories(target.getParent());
            temporary = Files.createTempFile(target.getParent(), ".heirloom-report-", ".tmp");
            Files.write(temporary, page);
            if (Files.exists(target)) {
                // a report written again keeps who may read it; a new one is the owner's alone (file names are private)
                try {
                    Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the temporary file's defaults
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "there is no folder " + e.getMessage()
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied on " + e.getMessage()
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                    ? f.getReason() + " (" + f.getFile() + ")" : e.getMessage();
            throw new UncheckedIOException("cannot write the report to " + target + ": " + why, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a stray temporary is named as ours
                }
            }
        }
    }

    private String page() {
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Are my photos safe? ").append(report.verdict()).append(" – Heirloom</title><style>")
                .append(CSS).append("</style></head>\n<body>\n");
        verdict();
        targets();
        coverage();
        atRisk();
        nextSteps();
        html.append("<footer>Made by Heirloom on ").append(esc(time(report.generated())))
                .append(". This page is complete in itself: it loads nothing from the network.</footer>\n</body></html>\n");
        return html.toString();
    }

    private void verdict() {
        html.append("<header id=\"verdict\" class=\"verdict ").append(report.met() ? "met" : "not-met").append("\">")
                .append("<h1><span class=\"badge\">").append(report.met() ? "✔ " : "✘ ").append(report.verdict())
                .append("</span> Policy ").append(esc(report.policy())).append("</h1><p id=\"headline\">")
                .append(esc(report.reasons().isEmpty() ? "" : report.reasons().get(0))).append("</p>");
        if (report.reasons().size() > 1) {
            html.append("<ul>");
            report.reasons().subList(1, report.reasons().size()).forEach(r -> html.append("<li>").append(esc(r)).append("</li>"));
            html.append("</ul>");
        }
        html.append("<p class=\"meta\">").append(esc(report.source())).append(" · ")
                .append(count(report.photos(), "photo")).append(", ").append(count(report.videos(), "video")).append(", ")
                .append(count(report.files(), "file")).append(" in all");
        report.snapshotId().ifPresent(id -> html.append(" · snapshot ").append(esc(id)));
        html.append("</p></header>\n");
    }

    private void targets() {
        html.append("<section id=\"targets\"><h2>Where the copies are</h2><div class=\"cards\">");
        for (TargetCard t : report.targets()) {
            html.append("<article class=\"card").append(t.error().isPresent() ? " down" : "").append("\" data-target=\"")
                    .append(esc(t.name())).append("\"><h3>").append(esc(t.name())).append("</h3><dl>");
            row("Medium", t.medium().replace('-', ' ') + ", " + t.site());
            row("Protection", (t.encrypted() ? "encrypted" : "not encrypted") + ", "
                    + (t.immutable() ? "immutable (locked against deletion)" : "can be deleted or overwritten"));
            if (t.error().isPresent()) {
                row("State", "✘ cannot be read: " + t.error().get());
            } else {
                row("Counts", t.counted() ? "✔ its copies count" : "✘ its copies do not count"
                        + (t.lastSnapshot().isEmpty() ? " (no backup yet)" : " (verification missing or too old)"));
            }
            if (report.snapshotId().isPresent()) {
                row("Newest backup", t.error().isPresent() ? "✘ none of its copies can be counted"
                        : t.lacking() == 0 ? "✔ holds every file"
                        : String.format(Locale.ROOT, "✘ lacks %,d of %,d files", t.lacking(), report.files()));
            }
            row("Last backup", t.lastSnapshot().map(s -> time(s.time()) + " (" + age(s.time()) + ")")
                    .orElse(t.error().isEmpty() ? "none yet" : t.lastReached().map(r -> "last reached by the backup of "
                            + time(r) + " (" + age(r) + ")").orElse("unknown while it cannot be read")));
            t.lastSnapshot().ifPresent(s -> row("Stored", String.format(Locale.ROOT, "%,d files, %s", s.files(),
                    Sizes.human(s.bytes()))));
            if (t.verifications().isEmpty() && t.error().isEmpty()) {
                row("Verified", "never");
            }
            for (TargetCard.Verification v : t.verifications()) {
                row("Verified (" + v.level() + ")", time(v.time()) + " (" + age(v.time()) + "), "
                        + (v.bad() == 0 ? "✔ all " : "✘ " + v.bad() + " bad of ")
                        + String.format(Locale.ROOT, "%,d", v.objectsChecked()) + " checked"
                        + (v.samplePercent() < 100 ? " (" + v.samplePercent() + "% sample)" : ""));
            }
            html.append("</dl>");
            trend(t.history());
            html.append("</article>");
        }
        html.append("</div></section>\n");
    }

    private void row(String term, String value) {
        html.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(value)).append("</dd>");
    }

    /** The files of the last snapshots as a small line, with the same in words. */
    private void trend(List<TargetCard.SnapshotPoint> history) {
        if (history.size() < 2) {
            return;
        }
        long max = history.stream().mapToLong(TargetCard.SnapshotPoint::files).max().orElse(1);
        long min = history.stream().mapToLong(TargetCard.SnapshotPoint::files).min().orElse(0);
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < history.size(); i++) {
            double x = 2 + 196.0 * i / (history.size() - 1);
            double y = max == min ? 16 : 30 - 28.0 * (history.get(i).files() - min) / (max - min);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        String words = String.format(Locale.ROOT, "Files in the last %d backups: %,d to %,d", history.size(),
                history.get(0).files(), history.get(history.size() - 1).files());
        html.append("<svg class=\"trend\" role=\"img\" aria-label=\"").append(esc(words))
                .append("\" viewBox=\"0 0 200 32\" width=\"200\" height=\"32\"><title>").append(esc(words))
                .append("</title><polyline fill=\"none\" stroke=\"#4a6fa5\" stroke-width=\"2\" points=\"")
                .append(points.toString().trim()).append("\"/></svg><small>").append(esc(words)).append("</small>");
    }

    private void coverage() {
        html.append("<section id=\"coverage\"><h2>Photos and videos by month taken</h2>");
        if (report.months().isEmpty()) {
            html.append("<p>No photos or videos in the backup yet.</p></section>\n");
            return;
        }
        html.append("<ul class=\"legend\"><li><span style=\"background:var(--ok-bg)\"></span>✔ every one meets the policy</li>")
                .append("<li><span style=\"background:var(--warn-bg)\"></span>! some short, but 2 or more copies each</li>")
                .append("<li><span style=\"background:var(--bad-bg)\"></span>✘ some have a single copy</li>")
                .append("<li>the number is photos and videos; “3×” the fewest copies any of them has</li></ul>");
        if (report.datedByFileTime() > 0) {
            html.append("<p class=\"meta\">").append(String.format(Locale.ROOT, "%,d", report.datedByFileTime()))
                    .append(" without a capture date in their metadata are shown by the date the file was last changed.</p>");
        }
        Map<String, MonthCoverage[]> years = new TreeMap<>();
        for (MonthCoverage m : report.months()) {
            years.computeIfAbsent(m.month().substring(0, 4), y -> new MonthCoverage[12])[Integer.parseInt(m.month().substring(5, 7)) - 1] = m;
        }
        html.append("<div class=\"heat\"><table><caption class=\"meta\">Copies of the photos and videos taken each month")
                .append("</caption><thead><tr><th scope=\"col\">Year</th>");
        for (String m : MONTHS) {
            html.append("<th scope=\"col\">").append(m).append("</th>");
        }
        html.append("<th scope=\"col\">Year in all</th></tr></thead><tbody>");
        Map<String, YearCoverage> totals = new java.util.HashMap<>();
        report.years().forEach(y -> totals.put(y.year(), y));
        years.forEach((year, months) -> {
            html.append("<tr data-year=\"").append(year).append("\"><th scope=\"row\">").append(year).append("</th>");
            for (int i = 0; i < 12; i++) {
                MonthCoverage m = months[i];
                if (m == null) {
                    html.append("<td class=\"none\" title=\"").append(MONTHS[i]).append(' ').append(year)
                            .append(": none\">–</td>");
                    continue;
                }
                String title = String.format(Locale.ROOT, "%s %s: %,d photos, %,d videos; fewest copies %d%s", MONTHS[i],
                        year, m.photos(), m.videos(), m.fewestCopies(),
                        m.shortOfPolicy() == 0 ? "; all meet the policy" : "; " + m.shortOfPolicy() + " short of the policy");
                html.append("<td class=\"").append(level(m.shortOfPolicy(), m.fewestCopies())).append("\" data-month=\"")
                        .append(m.month()).append("\" title=\"").append(esc(title)).append("\">")
                        .append(m.shortOfPolicy() == 0 ? "✔ " : m.fewestCopies() < 2 ? "✘ " : "! ")
                        .append(String.format(Locale.ROOT, "%,d", m.files())).append("<small>")
                        .append(m.fewestCopies()).append("×</small></td>");
            }
            YearCoverage y = totals.get(year);
            html.append("<td class=\"sum ").append(level(y.shortOfPolicy(), y.fewestCopies())).append("\">")
                    .append(y.shortOfPolicy() == 0
                            ? String.format(Locale.ROOT, "✔ all %,d have %d+ copies", y.files(), y.fewestCopies())
                            : String.format(Locale.ROOT, "✘ %,d of %,d short", y.shortOfPolicy(), y.files()))
                    .append("</td></tr>");
        });
        html.append("</tbody></table></div></section>\n");
    }

    private static String level(long shortOfPolicy, int fewest) {
        return shortOfPolicy == 0 ? "ok" : fewest < 2 ? "bad" : "warn";
    }

    private void atRisk() {
        html.append("<section id=\"at-risk\"><h2>At risk: ").append(String.format(Locale.ROOT, "%,d", report.atRiskTotal()))
                .append(report.atRiskTotal() == 1 ? " file" : " files").append("</h2>");
        if (report.atRisk().isEmpty()) {
            html.append("<p>✔ None: every file has the copies the policy asks for, and none failed verification.</p></section>\n");
            return;
        }
        Map<String, List<AtRiskFile>> byFolder = new LinkedHashMap<>();
        report.atRisk().forEach(f -> byFolder.computeIfAbsent(f.folder(), k -> new ArrayList<>()).add(f));
        int[] pictures = {0};
        byFolder.forEach((folder, files) -> {
            html.append("<div class=\"folder\"><h3>").append(esc(folder.isEmpty() ? "(top folder)" : folder + "/"))
                    .append("</h3><ul class=\"risk\">");
            for (AtRiskFile f : files) {
                String name = f.path().substring(f.folder().isEmpty() ? 0 : f.folder().length() + 1);
                html.append("<li data-path=\"").append(esc(f.path())).append("\">");
                Thumbnails.Thumbnail t = pictures[0] < THUMBNAILS ? thumbnails.of(f.path()).orElse(null) : null;
                if (t != null) {
                    pictures[0]++;
                    html.append("<img src=\"").append(t.dataUri()).append("\" width=\"").append(t.width())
                            .append("\" height=\"").append(t.height()).append("\" alt=\"").append(esc(f.media() + " " + name))
                            .append("\">");
                } else {
                    html.append("<span class=\"icon\">").append(icon(f.media(), name)).append("</span>");
                }
                html.append("<div><b>").append(esc(name)).append("</b><p>").append(esc(f.media())).append(", taken ")
                        .append(esc(f.captured().replace('T', ' '))).append(" · ").append(f.copies())
                        .append(f.copies() == 1 ? " copy" : " copies").append(": ").append(esc(String.join(", ", f.heldBy())))
                        .append("</p><p class=\"why\">✘ ").append(esc(String.join("; ", f.reasons()))).append("</p></div></li>");
            }
            html.append("</ul></div>");
        });
        long rest = report.atRiskTotal() - report.atRisk().size();
        if (rest > 0) {
            html.append("<p id=\"more-at-risk\">").append(String.format(Locale.ROOT, "… and %,d more files at risk", rest))
                    .append(" (<code>heirloom status</code> lists them).</p>");
        }
        html.append("</section>\n");
    }

    /** A drawing for a file without a thumbnail (emoji fonts are not everywhere): a play button, a picture, a page. */
    private static String icon(String media, String name) {
        String shape = switch (media) {
            case "video" -> "<rect x=\"4\" y=\"8\" width=\"40\" height=\"32\" rx=\"5\" fill=\"#5b6b82\"/>"
                    + "<path d=\"M20 16 L32 24 L20 32 Z\" fill=\"#fff\"/>";
            case "photo" -> "<rect x=\"4\" y=\"8\" width=\"40\" height=\"32\" rx=\"4\" fill=\"#7a93b5\"/>"
                    + "<circle cx=\"15\" cy=\"18\" r=\"4\" fill=\"#fff\"/><path d=\"M8 36 L20 24 L28 31 L34 26 L40 36 Z\" "
                    + "fill=\"#fff\"/>";
            default -> "<path d=\"M12 4 H30 L38 12 V44 H12 Z\" fill=\"#8a8a93\"/><path d=\"M30 4 V12 H38\" fill=\"#c9c9d0\"/>";
        };
        return "<svg role=\"img\" aria-label=\"" + esc(media + " " + name) + "\" viewBox=\"0 0 48 48\" width=\"40\" "
                + "height=\"40\">" + shape + "</svg>";
    }

    private void nextSteps() {
        html.append("<section id=\"next\"><h2>What to do next</h2>");
        if (report.nextSteps().isEmpty()) {
            html.append("<p>✔ Nothing: keep the scheduled backups and verifications running.</p></section>\n");
            return;
        }
        html.append("<ol class=\"steps\">");
        for (String step : report.nextSteps()) {
            int at = step.lastIndexOf(": heirloom ");
            html.append("<li>");
            if (at < 0) {
                html.append(esc(step));
            } else {
                html.append(esc(step.substring(0, at + 1))).append(" <code>").append(esc(step.substring(at + 2)))
                        .append("</code>");
            }
            html.append("</li>");
        }
        html.append("</ol></section>\n");
    }

    private static String count(long n, String thing) {
        return String.format(Locale.ROOT, "%,d %s%s", n, thing, n == 1 ? "" : "s");
    }

    private String time(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(zone).format(t);
    }

    private String age(Instant t) {
        Duration d = Duration.between(t, report.generated());
        if (d.isNegative() || d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        if (d.toDays() < 2) {
            return d.toHours() + " hours ago";
        }
        return d.toDays() + " days ago";
    }

    /** Text made safe for HTML content and attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < 0x20 && c != '\t' && c != '\n' ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    private static String css() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css is missing from the Heirloom core jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
