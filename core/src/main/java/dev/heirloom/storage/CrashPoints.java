package dev.heirloom.storage;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named places where the fault suite makes the process die at once, as SIGKILL or a power cut
 * would: with the system property {@code heirloom.crashAt=NAME[:N]} the process halts (exit 137,
 * no shutdown hooks, no finally blocks) the Nth time (default the first) it reaches NAME. Without
 * the property, reaching a point costs one field read.
 *
 * <p>The points: {@code after-object-upload} (an object is stored, its snapshot not yet written),
 * {@code before-tree-write}, {@code before-snapshot-write}, {@code mid-prune} (between two
 * deletions).
 */
public final class CrashPoints {
    private static final String SETTING = System.getProperty("heirloom.crashAt");
    private static final String NAME;
    private static final int NTH;
    private static final AtomicInteger REACHED = new AtomicInteger();

    static {
        if (SETTING == null || SETTING.isBlank()) {
            NAME = null;
            NTH = 0;
        } else {
            int colon = SETTING.indexOf(':');
            NAME = colon < 0 ? SETTING.trim() : SETTING.substring(0, colon).trim();
            NTH = colon < 0 ? 1 : Integer.parseInt(SETTING.substring(colon + 1).trim());
        }
    }

    private CrashPoints() {
    }

    /** Halts the process here when the fault suite asked for this point (and this is its Nth time). */
    public static void reach(String name) {
        if (NAME != null && NAME.equals(name) && REACHED.incrementAndGet() == NTH) {
            Runtime.getRuntime().halt(137);
        }
    }
}
