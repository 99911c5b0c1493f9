package dev.heirloom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The cancel flag of the operation running on a {@link Heirloom}, for {@link Heirloom#cancel()}. */
final class RunningOperation {
    private static final Logger LOG = LoggerFactory.getLogger(RunningOperation.class);

    private final AtomicReference<AtomicBoolean> running = new AtomicReference<>();

    /** Marks an operation as running; poll the flag, and {@link #end} it when done. */
    AtomicBoolean begin() {
        AtomicBoolean flag = new AtomicBoolean();
        running.set(flag);
        return flag;
    }

    void end(AtomicBoolean flag) {
        running.compareAndSet(flag, null);
    }

    /** Waits until no operation runs, at most {@code timeout}. @return whether none runs now */
    boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running.get() != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Sets the running operation's flag. @return whether one was running */
    boolean cancel() {
        AtomicBoolean flag = running.get();
        if (flag != null) {
            flag.set(true);
            LOG.info("cancelling the running operation");
        }
        return flag != null;
    }
}
