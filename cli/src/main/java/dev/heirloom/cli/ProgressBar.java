package dev.heirloom.cli;

import dev.heirloom.backup.ProgressListener;
import dev.heirloom.plan.Sizes;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** A one-line progress display on a terminal, redrawn a few times a second. */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private final PrintStream out;
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final Thread painter;
    private final long start = System.nanoTime();
    private volatile boolean running = true;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.painter = new Thread(() -> {
            while (running) {
                paint();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heirloom-progress");
        painter.setDaemon(true);
        painter.start();
    }

    @Override
    public void fileFound(String path, long size) {
        found.incrementAndGet();
    }

    @Override
    public void fileDone(String path, long size) {
        done.incrementAndGet();
    }

    @Override
    public void bytesRead(long count) {
        read.addAndGet(count);
    }

    @Override
    public void bytesStored(String target, long count) {
        stored.addAndGet(count);
    }

    private void paint() {
        double seconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "\r%d/%d files  read %s  stored %s  %s/s   ", done.get(), found.get(),
                Sizes.human(read.get()), Sizes.human(stored.get()), Sizes.human((long) (read.get() / seconds)));
        out.flush();
    }

    @Override
    public void close() {
        running = false;
        painter.interrupt();
        paint();
        out.println();
    }
}
