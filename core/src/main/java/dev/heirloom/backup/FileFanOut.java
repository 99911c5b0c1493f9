package dev.heirloom.backup;

import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ContentSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reads one file once and feeds the same bytes to several writers at the pace of the slowest,
 * with a few chunks of memory per writer. Each writer gets a {@link ContentSource}: its first
 * {@code open()} is served from the shared read; a later one (a retry) reads the file itself, or,
 * when the fan-out reads once (every byte must pass the caller's digest), fails. A writer that
 * never opens its source, or closes it early, stops being fed and holds no one up.
 */
final class FileFanOut {
    private static final int CHUNK = 1 << 20;
    private static final int QUEUED_CHUNKS = 4;
    private static final byte[] END = new byte[0];

    private final Path file;
    private final long size;
    private final boolean readOnce;
    private final List<Writer> consumers = new ArrayList<>();
    private final CountDownLatch decided;
    private volatile IOException sourceError;

    FileFanOut(Path file, long size, int writers, boolean readOnce) {
        this.file = file;
        this.size = size;
        this.readOnce = readOnce;
        this.decided = new CountDownLatch(writers);
        for (int i = 0; i < writers; i++) {
            consumers.add(new Writer());
        }
    }

    /** The content source of writer {@code i}. */
    ContentSource source(int i) {
        return consumers.get(i);
    }

    /** Tells the fan-out that writer {@code i} is finished, whether or not it read anything. */
    void writerDone(int i) {
        consumers.get(i).finish();
    }

    /** The error reading the source file, if the shared read failed. */
    IOException sourceError() {
        return sourceError;
    }

    /**
     * Reads the file and hands every chunk to {@code sink} and to each writer that opened its
     * source; returns when all of them got the end of the file or stopped reading.
     */
    void pump(Consumer<byte[]> sink) throws InterruptedException {
        decided.await();
        if (consumers.stream().noneMatch(c -> c.streaming)) {
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                byte[] chunk = in.readNBytes(CHUNK);
                if (chunk.length == 0) {
                    break;
                }
                sink.accept(chunk);
                if (!deliver(chunk)) {
                    return;
                }
            }
        } catch (IOException e) {
            sourceError = e;
            for (Writer c : consumers) {
                c.error = e;
            }
        }
        deliver(END);
    }

    private boolean deliver(byte[] chunk) throws InterruptedException {
        boolean anyone = false;
        for (Writer c : consumers) {
            if (!c.streaming || c.closed.get()) {
                continue;
            }
            while (!c.closed.get() && !c.queue.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
                // wait for this writer to catch up, unless it stopped reading
            }
            anyone |= !c.closed.get();
        }
        return anyone;
    }

    private final class Writer implements ContentSource {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        final AtomicBoolean opened = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean counted = new AtomicBoolean();
        volatile boolean streaming;
        volatile IOException error;

        @Override
        public long size() {
            return size;
        }

        @Override
        public InputStream open() throws IOException {
            if (!opened.compareAndSet(false, true)) {
                if (readOnce) {
                    throw new IOException("this content is read once and cannot be read again");
                }
                return Files.newInputStream(file);
            }
            streaming = true;
            decide();
            return new BulkInputStream() {
                private byte[] current = new byte[0];
                private int pos;
                private boolean ended;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    while (pos >= current.length) {
                        if (ended) {
                            return -1;
                        }
                        try {
                            byte[] next = queue.poll(50, TimeUnit.MILLISECONDS);
                            if (next == null) {
                                continue;
                            }
                            if (next == END) {
                                ended = true;
                                if (error != null) {
                                    throw new IOException("reading the source failed: " + error.getMessage(), error);
                                }
                                return -1;
                            }
                            current = next;
                            pos = 0;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                    }
                    int n = Math.min(len, current.length - pos);
                    System.arraycopy(current, pos, b, off, n);
                    pos += n;
                    return n;
                }

                @Override
                public void close() {
                    closed.set(true);
                    queue.clear();
                }
            };
        }

        void decide() {
            if (counted.compareAndSet(false, true)) {
                decided.countDown();
            }
        }

        void finish() {
            closed.set(true);
            queue.clear();
            decide();
        }
    }
}
