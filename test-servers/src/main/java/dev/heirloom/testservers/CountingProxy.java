package dev.heirloom.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a free loopback port in front of a server: counts the bytes each way, so a test
 * can say how much a client really sent or fetched (request and response bytes, headers included),
 * whatever the protocol; and the network faults of the fault suite: {@link #cutAfterUpload} drops
 * every connection once so many bytes went to the server (a reset mid-stream, a killed client),
 * {@link #blackhole} accepts and never answers, {@link #slow} adds latency and caps bandwidth.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final List<Socket> open = new ArrayList<>();
    private volatile long cutAfter = Long.MAX_VALUE;
    private volatile boolean blackhole;
    private volatile long latencyMillis;
    private volatile long bytesPerSecond;

    private CountingProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /** Starts relaying {@code 127.0.0.1:PORT} to {@code 127.0.0.1:targetPort}. */
    public static CountingProxy start(int targetPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            CountingProxy proxy = new CountingProxy(listener, targetPort);
            Thread accept = new Thread(proxy::acceptLoop, "counting-proxy-" + listener.getLocalPort());
            accept.setDaemon(true);
            accept.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue;
            }
            try {
                Socket server = new Socket("127.0.0.1", targetPort);
                synchronized (open) {
                    open.add(client);
                    open.add(server);
                }
                pump(client, server, toServer, true);
                pump(server, client, toClient, false);
            } catch (IOException e) {
                // the server is down: the client sees its connection dropped at once
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter, boolean upload) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    while (blackhole && !from.isClosed()) {
                        // swallow: the peer hears nothing, as behind a dead route
                        Thread.sleep(50);
                    }
                    throttle(n);
                    if (upload) {
                        long room = cutAfter - counter.get();
                        if (room <= 0) {
                            dropAll();
                            return;
                        }
                        if (n > room) {
                            out.write(buffer, 0, (int) room);
                            counter.addAndGet(room);
                            dropAll();
                            return;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    counter.addAndGet(n);
                }
            } catch (IOException e) {
                // either side closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (open) {
                    open.remove(from);
                    open.remove(to);
                }
            }
        }, "counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Bytes relayed from clients to the server so far. */
    public long bytesToServer() {
        return toServer.get();
    }

    /** Bytes relayed from the server to clients so far. */
    public long bytesToClient() {
        return toClient.get();
    }

    /** Sets both counters to zero. */
    public void resetCounts() {
        toServer.set(0);
        toClient.set(0);
    }

    /** Drops every connection once {@code bytes} more have gone to the server (then relays again after {@link #uncut}). */
    public void cutAfterUpload(long bytes) {
        cutAfter = toServer.get() + bytes;
    }

    /** Relays without a limit again. */
    public void uncut() {
        cutAfter = Long.MAX_VALUE;
    }

    /**
     * While on, connections are accepted (and existing ones kept open) but nothing is relayed
     * either way: a client sees a server that never answers, and must time out.
     */
    public void blackhole(boolean on) {
        blackhole = on;
    }

    /** Delays every chunk relayed by {@code latencyMillis} and caps each direction at {@code bytesPerSecond} (0: none). */
    public void slow(long latencyMillis, long bytesPerSecond) {
        this.latencyMillis = latencyMillis;
        this.bytesPerSecond = bytesPerSecond;
    }

    private void throttle(int n) throws InterruptedException {
        long delay = latencyMillis + (bytesPerSecond > 0 ? n * 1000L / bytesPerSecond : 0);
        if (delay > 0) {
            Thread.sleep(delay);
        }
    }

    private void dropAll() {
        synchronized (open) {
            open.forEach(CountingProxy::closeQuietly);
            open.clear();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        dropAll();
    }
}
