package dev.heirloom.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/** One line on a terminal, redrawn from {@code line} five times a second until closed, then drawn once more and ended. */
final class TerminalLine implements AutoCloseable {
    private final PrintStream out;
    private final Supplier<String> line;
    private final Thread painter;
    private volatile boolean running = true;

    TerminalLine(PrintStream out, Supplier<String> line) {
        this.out = out;
        this.line = line;
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

    /** Whether it is still being redrawn. */
    boolean running() {
        return running;
    }

    private synchronized void paint() {
        out.print("\r" + line.get() + "   ");
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
