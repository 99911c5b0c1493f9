package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One command run on the server over an SSH exec channel of a pooled session: what it printed (its
 * first 64 KiB), its first error line and its exit status, within a time limit — a command that
 * hangs, or prints without end, fails instead of holding the caller forever.
 */
final class SshCommand {
    /** What a command left: its exit status, what it printed and the first line it wrote to stderr. */
    record Result(int exitStatus, String printed, String error) {
        boolean ok() {
            return exitStatus == 0;
        }
    }

    /** The command ran out of time and was stopped. */
    static final class TimedOut extends IOException {
        TimedOut(String message) {
            super(message);
        }
    }

    private SshCommand() {
    }

    /**
     * Runs {@code commandLine} (already quoted for the server's shell) on {@code c}'s session.
     *
     * @throws JSchException when the server refuses the exec channel (an SFTP-only account) or the session is lost
     * @throws TimedOut      when it did not exit within {@code timeout}
     */
    static Result run(SftpConnections.Connection c, String commandLine, Duration connectTimeout, Duration timeout)
            throws JSchException, IOException, InterruptedException {
        ChannelExec exec = (ChannelExec) c.session().openChannel("exec");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        exec.setCommand(commandLine);
        exec.setErrStream(errors, true);
        InputStream out = exec.getInputStream();
        exec.connect((int) connectTimeout.toMillis());
        byte[] printed;
        try {
            printed = readUntilExit(exec, out, timeout);
        } finally {
            exec.disconnect();
        }
        String error = errors.toString(StandardCharsets.UTF_8).strip().lines().findFirst().orElse("no message");
        return new Result(exec.getExitStatus(), new String(printed, StandardCharsets.UTF_8), error);
    }

    private static byte[] readUntilExit(ChannelExec exec, InputStream out, Duration timeout)
            throws IOException, InterruptedException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = exec.isClosed();
            int ready;
            while ((ready = out.available()) > 0) {
                int n = out.read(buffer, 0, Math.min(buffer.length, ready));
                if (n < 0) {
                    break;
                }
                if (printed.size() < 64 * 1024) {
                    printed.write(buffer, 0, Math.min(n, 64 * 1024 - printed.size()));
                }
            }
            if (exited) {
                return printed.toByteArray();
            }
            if (System.nanoTime() > deadline) {
                throw new TimedOut("did not finish within the read timeout (" + timeout.toSeconds() + " s); it was stopped");
            }
            Thread.sleep(2);
        }
    }

    /** A path as one word for a POSIX shell: single quotes, each quote inside closed, escaped and reopened. */
    static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
