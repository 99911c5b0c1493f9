package dev.heirloom.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process listening on a loopback port: started and awaited, killed with everything it
 * forked (as a crash would), and started again with the same command, port and log.
 */
final class LoopbackProcess {
    private final List<String> command;
    private final Path log;
    private final int port;
    private final Duration timeout;
    private Process process;

    private LoopbackProcess(List<String> command, Path log, int port, Duration timeout) {
        this.command = List.copyOf(command);
        this.log = log;
        this.port = port;
        this.timeout = timeout;
    }

    /** Starts the command, appending its output to {@code log}, and waits until the port accepts connections. */
    static LoopbackProcess start(List<String> command, Path log, int port, Duration timeout)
            throws IOException, InterruptedException {
        LoopbackProcess p = new LoopbackProcess(command, log, port, timeout);
        p.launch();
        return p;
    }

    private void launch() throws IOException, InterruptedException {
        Process started = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IllegalStateException(command.get(0) + " exited with " + started.exitValue() + ": "
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                process = started;
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        started.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not listen on port " + port + " within " + timeout);
    }

    /** Kills the process and its descendants at once and waits until they are gone; nothing when not running. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a child that outlives 30 s after SIGKILL is the kernel's business
        }
        process = null;
    }

    /** Kills it if running, then starts it again on the same port. */
    synchronized void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
