package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.plan.Sizes;
import dev.heirloom.source.SourceCount;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-line progress display on a terminal, redrawn a few times a second. A quick count of the
 * source runs beside the backup (as restic's scanner does), so once it is done the line shows the
 * share of the source's bytes gone through (files unchanged since the last backup count as gone
 * through), the rate and the time left.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong doneBytes = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicReference<SourceCount> total = new AtomicReference<>();
    private final long start = System.nanoTime();
    private final TerminalLine line;

    ProgressBar(PrintStream out, Heirloom heirloom) {
        this.line = new TerminalLine(out, () -> line(done.get(), found.get(), doneBytes.get(), read.get(), stored.get(),
                total.get(), (System.nanoTime() - start) / 1e9));
        Thread counter = new Thread(() -> {
            SourceCount c = heirloom.countSource(() -> !line.running());
            if (line.running()) {
                total.set(c);
            }
        }, "heirloom-count");
        counter.setDaemon(true);
        counter.start();
    }

    @Override
    public void fileFound(String path, long size) {
        found.incrementAndGet();
    }

    @Override
    public void fileDone(String path, long size) {
        done.incrementAndGet();
        doneBytes.addAndGet(size);
    }

    @Override
    public void bytesRead(long count) {
        read.addAndGet(count);
    }

    @Override
    public void bytesStored(String target, long count) {
        stored.addAndGet(count);
    }

    /** The line as it stands after {@code seconds}; what a total adds once the count is done. */
    static String line(long done, long found, long doneBytes, long read, long stored, SourceCount total, double seconds) {
        String rate = Sizes.human((long) (read / Math.max(0.001, seconds))) + "/s";
        if (total == null) {
            return String.format(Locale.ROOT, "%d/%d files  read %s  stored %s  %s", done, found, Sizes.human(read),
                    Sizes.human(stored), rate);
        }
        double share = total.bytes() == 0 ? 1 : Math.min(1, (double) doneBytes / total.bytes());
        String eta = share <= 0.001 || seconds < 2 ? "--" : duration(seconds * (1 - share) / share);
        return String.format(Locale.ROOT, "%3.0f%%  %d/%d files  %s of %s  read %s  stored %s  %s  ETA %s", share * 100,
                done, total.files(), Sizes.human(doneBytes), Sizes.human(total.bytes()), Sizes.human(read),
                Sizes.human(stored), rate, eta);
    }

    /** 45s, 12m30s, 3h05m. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    @Override
    public void close() {
        line.close();
    }
}
