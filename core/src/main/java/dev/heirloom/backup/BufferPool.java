package dev.heirloom.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * Byte arrays for reading whole small files, reused from file to file so that a backup of many
 * photos does not hand the garbage collector a new multi-megabyte array for each one. Sizes are
 * whole MiB (64 KiB at least); an idle array up to twice the size asked for is reused; at most
 * {@code keep} arrays are kept while not in use. Thread-safe.
 */
final class BufferPool {
    private static final int SMALLEST = 64 * 1024;
    private static final int STEP = 1 << 20;

    private final int keep;
    private final List<byte[]> free = new ArrayList<>();

    BufferPool(int keep) {
        this.keep = keep;
    }

    /** An array of at least {@code size} bytes (contents undefined), to {@link #giveBack} after use. */
    byte[] take(int size) {
        long rounded = size <= SMALLEST ? SMALLEST : ((long) size + STEP - 1) / STEP * STEP;
        int wanted = (int) Math.min(rounded, Integer.MAX_VALUE - 8);
        synchronized (free) {
            byte[] best = null;
            for (byte[] b : free) {
                if (b.length >= size && (best == null || b.length < best.length)) {
                    best = b;
                }
            }
            if (best != null && best.length <= 2L * wanted) {
                free.remove(best);
                return best;
            }
        }
        return new byte[wanted];
    }

    /** Returns an array from {@link #take}; the smallest kept one goes when more than {@code keep} are idle. */
    void giveBack(byte[] buffer) {
        synchronized (free) {
            free.add(buffer);
            if (free.size() > keep) {
                byte[] smallest = free.get(0);
                for (byte[] b : free) {
                    if (b.length < smallest.length) {
                        smallest = b;
                    }
                }
                free.remove(smallest);
            }
        }
    }
}
