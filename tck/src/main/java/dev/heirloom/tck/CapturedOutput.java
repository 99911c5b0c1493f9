package dev.heirloom.tck;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the process prints (logs included: slf4j-simple writes to {@code System.err})
 * while a piece of code runs, so a test can assert that no secret reaches it.
 */
public final class CapturedOutput {
    /** Code that may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private CapturedOutput() {
    }

    /** Runs {@code body} with standard output and error captured; returns both, restored after. */
    public static String of(Body body) throws Exception {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        System.setOut(capture);
        try {
            body.run();
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** An exception's full text with causes and stack, as a log would print it. */
    public static String stackText(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
