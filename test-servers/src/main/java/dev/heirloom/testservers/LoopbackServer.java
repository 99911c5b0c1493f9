package dev.heirloom.testservers;

/**
 * A test server run as a process of its own on a loopback port: what every such server offers a
 * test (its port, a kill as a crash would do it, a restart on the same port, close).
 */
public abstract class LoopbackServer implements AutoCloseable {
    private final int port;
    private final LoopbackProcess process;

    LoopbackServer(int port, LoopbackProcess process) {
        this.port = port;
        this.process = process;
    }

    /** The loopback port it listens on (kept across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** Kills the server and what it forked at once, as a crash would. */
    public void kill() {
        process.kill();
    }

    /** Starts it again with the same command, port and data. */
    public void restart() {
        process.restart();
    }

    @Override
    public void close() {
        kill();
    }
}
