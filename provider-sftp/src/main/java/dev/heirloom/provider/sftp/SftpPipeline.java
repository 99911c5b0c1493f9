package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSubsystem;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * SFTP version 3 requests on a channel of their own, sent without waiting for each reply: what
 * JSch's {@code ChannelSftp} cannot do across files (it waits for every open, close and link), and
 * the OpenSSH extensions it does not offer ({@code fsync@openssh.com}). Requests are buffered
 * until {@link #flush()}, so a batch of small files costs a few SSH packets instead of one round
 * trip per request. Replies are parsed as JSch hands the channel's data over, in its session
 * thread (no pipe and no reader thread to wake per reply), completing each request's future by its
 * id. One caller at a time (the holder of the pooled connection).
 */
final class SftpPipeline implements AutoCloseable {
    static final int READ = 0x01;
    static final int WRITE = 0x02;
    static final int CREATE = 0x08;
    static final int TRUNCATE = 0x10;
    static final int EXCLUSIVE = 0x20;
    /** The largest data a WRITE carries: the size every SFTP server must accept. */
    static final int CHUNK = 32 * 1024;

    private static final byte FXP_INIT = 1;
    private static final byte FXP_VERSION = 2;
    private static final byte FXP_OPEN = 3;
    private static final byte FXP_CLOSE = 4;
    private static final byte FXP_WRITE = 6;
    private static final byte FXP_REMOVE = 13;
    private static final byte FXP_STATUS = 101;
    private static final byte FXP_HANDLE = 102;
    private static final byte FXP_EXTENDED = (byte) 200;
    private static final int MAX_REPLY = 256 * 1024;

    /** A reply: a status (0 is success) or a handle. */
    record Reply(int status, String message, byte[] handle) {
        boolean ok() {
            return status == 0;
        }
    }

    private final ChannelSubsystem channel;
    private final OutputStream out;
    /** The server's extensions, from its version reply. */
    private final CompletableFuture<Map<String, String>> version = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<Reply>> waiting = new ConcurrentHashMap<>();
    private final long awaitMillis;
    private int nextId = 1;
    private volatile IOException broken;

    private SftpPipeline(ChannelSubsystem channel, long awaitMillis) throws IOException {
        this.channel = channel;
        this.awaitMillis = awaitMillis;
        this.out = new BufferedOutputStream(channel.getOutputStream(), 64 * 1024);
        channel.setOutputStream(new Replies());
    }

    /**
     * Opens the {@code sftp} subsystem on {@code session} and exchanges versions.
     *
     * @param awaitMillis how long {@link #await} waits for a reply before the channel counts as lost
     */
    static SftpPipeline open(Session session, int timeoutMillis, long awaitMillis) throws JSchException, IOException {
        ChannelSubsystem channel = (ChannelSubsystem) session.openChannel("subsystem");
        channel.setSubsystem("sftp");
        try {
            SftpPipeline pipeline = new SftpPipeline(channel, awaitMillis);
            channel.connect(timeoutMillis);
            ByteBuffer init = ByteBuffer.allocate(9).putInt(5).put(FXP_INIT).putInt(3);
            pipeline.out.write(init.array());
            pipeline.out.flush();
            try {
                pipeline.version.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during the SFTP version exchange");
            } catch (TimeoutException e) {
                throw new IOException("the server did not answer the SFTP version exchange in "
                        + timeoutMillis / 1000 + " s");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            return pipeline;
        } catch (IOException | JSchException | RuntimeException e) {
            channel.disconnect();
            throw e;
        }
    }

    /** Whether the server announced the extension (for example {@code fsync@openssh.com}). */
    boolean has(String extension) {
        return version.getNow(Map.of()).containsKey(extension);
    }

    /** Opens (with the {@code READ}, {@code WRITE}, … flags) a file; the reply carries its handle. */
    CompletableFuture<Reply> open(String path, int flags) throws IOException {
        byte[] p = bytes(path);
        return send(FXP_OPEN, 4 + p.length + 8, b -> b.putInt(p.length).put(p).putInt(flags).putInt(0));
    }

    /** Writes {@code length} bytes of {@code data} at {@code offset}, at most {@link #CHUNK}. */
    CompletableFuture<Reply> write(byte[] handle, long offset, byte[] data, int from, int length) throws IOException {
        if (length > CHUNK) {
            throw new IllegalArgumentException("one write carries at most " + CHUNK + " bytes");
        }
        return send(FXP_WRITE, 4 + handle.length + 8 + 4 + length,
                b -> b.putInt(handle.length).put(handle).putLong(offset).putInt(length).put(data, from, length));
    }

    CompletableFuture<Reply> close(byte[] handle) throws IOException {
        return send(FXP_CLOSE, 4 + handle.length, b -> b.putInt(handle.length).put(handle));
    }

    CompletableFuture<Reply> remove(String path) throws IOException {
        byte[] p = bytes(path);
        return send(FXP_REMOVE, 4 + p.length, b -> b.putInt(p.length).put(p));
    }

    /** Makes the open file's bytes durable ({@code fsync@openssh.com}). */
    CompletableFuture<Reply> fsync(byte[] handle) throws IOException {
        return extended("fsync@openssh.com", handle);
    }

    /** Gives {@code from}'s file the new name {@code to} as well; fails when {@code to} exists ({@code hardlink@openssh.com}). */
    CompletableFuture<Reply> hardlink(String from, String to) throws IOException {
        return extended("hardlink@openssh.com", bytes(from), bytes(to));
    }

    private CompletableFuture<Reply> extended(String name, byte[]... args) throws IOException {
        byte[] n = bytes(name);
        int size = 4 + n.length;
        for (byte[] a : args) {
            size += 4 + a.length;
        }
        return send(FXP_EXTENDED, size, b -> {
            b.putInt(n.length).put(n);
            for (byte[] a : args) {
                b.putInt(a.length).put(a);
            }
        });
    }

    /**
     * The reply to a request, sending what is buffered first; a failure status becomes the {@link SftpException}
     * JSch would have thrown, so {@link SftpChannels#classify} treats both alike.
     *
     * @throws IOException when the channel is lost or the reply does not come in time
     */
    Reply await(CompletableFuture<Reply> request, String what) throws IOException, SftpException {
        if (!request.isDone()) {
            flush();
        }
        Reply reply;
        try {
            reply = request.get(awaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + what);
        } catch (TimeoutException e) {
            close();
            throw new IOException("no reply to " + what + " in " + awaitMillis / 1000 + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (!reply.ok()) {
            throw new SftpException(reply.status(), what + ": " + reply.message());
        }
        return reply;
    }

    /** Sends what is buffered. */
    void flush() throws IOException {
        failIfBroken();
        out.flush();
    }

    private interface Body {
        void put(ByteBuffer b);
    }

    private CompletableFuture<Reply> send(byte type, int size, Body body) throws IOException {
        failIfBroken();
        int id = nextId++;
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + size);
        b.putInt(1 + 4 + size).put(type).putInt(id);
        body.put(b);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        IOException failed = broken;
        if (failed != null && waiting.remove(id) != null) { // the reader stopped between the check and the put
            throw new IOException("the SFTP channel is closed: " + failed.getMessage(), failed);
        }
        try {
            out.write(b.array(), 0, b.position());
        } catch (IOException e) {
            waiting.remove(id);
            throw e;
        }
        return reply;
    }

    /**
     * The channel's data as JSch hands it over, in its session thread: whole replies complete their
     * requests; nothing here blocks or throws (a broken reply stream fails every request waiting).
     */
    private final class Replies extends OutputStream {
        private byte[] buffer = new byte[64 * 1024];
        private int filled;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            if (broken != null) {
                return;
            }
            try {
                if (filled + length > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, filled + length));
                }
                System.arraycopy(data, offset, buffer, filled, length);
                filled += length;
                int at = 0;
                while (filled - at >= 4) {
                    int size = ByteBuffer.wrap(buffer, at, 4).getInt();
                    if (size < 5 || size > MAX_REPLY) {
                        throw new IOException("an SFTP reply of " + size + " bytes");
                    }
                    if (filled - at - 4 < size) {
                        break;
                    }
                    reply(ByteBuffer.wrap(buffer, at + 4, size).slice());
                    at += 4 + size;
                }
                System.arraycopy(buffer, at, buffer, 0, filled - at);
                filled -= at;
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? io : new IOException(e));
            }
        }

        @Override
        public void close() {
            fail(new EOFException("the SFTP channel closed"));
        }
    }

    private void reply(ByteBuffer b) throws IOException {
        byte type = b.get();
        if (type == FXP_VERSION) {
            b.getInt(); // the version; OpenSSH and every other server speak 3
            Map<String, String> extensions = new HashMap<>();
            while (b.remaining() >= 8) {
                extensions.put(string(b), string(b));
            }
            version.complete(Map.copyOf(extensions));
            return;
        }
        int id = b.getInt();
        CompletableFuture<Reply> reply = waiting.remove(id);
        if (reply == null) {
            throw new IOException("an SFTP reply to no request (" + id + ")");
        }
        if (type == FXP_STATUS) {
            int status = b.getInt();
            reply.complete(new Reply(status, b.remaining() >= 4 ? string(b) : "", null));
        } else if (type == FXP_HANDLE) {
            byte[] handle = new byte[b.getInt()];
            b.get(handle);
            reply.complete(new Reply(0, "", handle));
        } else {
            reply.complete(new Reply(-1, "unexpected SFTP reply type " + type, null));
        }
    }

    private void fail(IOException failure) {
        if (broken == null) {
            broken = failure;
        }
        version.completeExceptionally(failure);
        for (Integer id : waiting.keySet()) {
            CompletableFuture<Reply> f = waiting.remove(id);
            if (f != null) {
                f.completeExceptionally(failure);
            }
        }
    }

    private void failIfBroken() throws IOException {
        IOException b = broken;
        if (b != null || !channel.isConnected()) {
            throw new IOException("the SFTP channel is closed" + (b == null ? "" : ": " + b.getMessage()), b);
        }
    }

    boolean isOpen() {
        return broken == null && channel.isConnected() && !channel.isClosed();
    }

    @Override
    public void close() {
        channel.disconnect();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
