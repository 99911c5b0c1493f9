package dev.heirloom.cli;

import dev.heirloom.progress.OperationProgress;
import dev.heirloom.plan.Sizes;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** The progress line of a restore, a verification or a prune: share done, rate and time left once the total is known. */
final class OperationProgressBar implements OperationProgress, AutoCloseable {
    private final TerminalLine line;
    private final AtomicLong totalItems = new AtomicLong(-1);
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long start = System.nanoTime();

    OperationProgressBar(PrintStream out, String what) {
        this.line = new TerminalLine(out, () -> line(what, items.get(), bytes.get(), totalItems.get(), totalBytes.get(),
                (System.nanoTime() - start) / 1e9));
    }

    @Override
    public void total(long itemCount, long byteCount) {
        totalBytes.set(byteCount);
        totalItems.set(itemCount);
    }

    @Override
    public void done(long itemCount, long byteCount) {
        items.addAndGet(itemCount);
        bytes.addAndGet(byteCount);
    }

    /** The line after {@code seconds}; a negative total is not known yet. */
    static String line(String what, long items, long bytes, long totalItems, long totalBytes, double seconds) {
        String rate = Sizes.human((long) (bytes / Math.max(0.001, seconds))) + "/s";
        if (totalItems < 0) {
            return String.format(Locale.ROOT, "%s  %d done  %s  %s", what, items, Sizes.human(bytes), rate);
        }
        double share = totalBytes > 0 ? Math.min(1, (double) bytes / totalBytes)
                : totalItems > 0 ? Math.min(1, (double) items / totalItems) : 1;
        String eta = share <= 0.001 || seconds < 2 ? "--" : ProgressBar.duration(seconds * (1 - share) / share);
        return String.format(Locale.ROOT, "%s %3.0f%%  %d/%d  %s of %s  %s  ETA %s", what, share * 100, items, totalItems,
                Sizes.human(bytes), Sizes.human(totalBytes), rate, eta);
    }

    @Override
    public void close() {
        line.close();
    }
}
