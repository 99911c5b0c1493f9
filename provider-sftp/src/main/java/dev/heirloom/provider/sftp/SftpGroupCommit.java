package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import static dev.heirloom.provider.sftp.SftpChannels.lstat;

/**
 * Small create-if-absent writes sent together: the many XMP sidecars and thumbnails of a photo
 * library cost one round trip per request through JSch. A write of at most {@link #LARGEST}
 * bytes is checked against its declared size and checksums in memory and returns at once; a batch
 * ({@link Limits}) is sent on one connection as pipelined requests — open every temporary file,
 * then write, sync ({@link SftpSync}) and close them all, then link each to its name and remove
 * the temporary — so a batch costs three round trips instead of five per object. Batches are
 * written in parallel on the pooled connections but named in the order they were taken, so a
 * tree is never named before the objects it lists. Until named an object is visible to this
 * target only ({@link #pending}); a killed process leaves temporary files, which prune removes.
 * A failed batch is final: every later write and flush fails with it, so no snapshot names an
 * object that may be missing. Thread-safe.
 */
final class SftpGroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpGroupCommit.class);
    /** The largest object sent in a batch; larger ones stream through JSch on their own. */
    static final long LARGEST = 1L << 20;
    /** How the temporary file of a batched object is named, beside its object. */
    static final String TEMP_PREFIX = ".heirloom-tmp-g-";

    /** When a batch is sent without waiting for a flush. */
    record Limits(int objects, long bytes) {
        static final Limits DEFAULT = new Limits(256, 8L << 20);
    }

    /** An object accepted and not yet named. */
    record Pending(String key, String target, byte[] bytes) {
        String folder() {
            return target.substring(0, target.lastIndexOf('/'));
        }
    }

    /** Creates a folder and its missing parents (cached by the caller). */
    @FunctionalInterface
    interface Folders {
        void make(ChannelSftp channel, String folder) throws SftpException;
    }

    private record Sent(Pending pending, String temp) {
    }

    private final SftpChannels channels;
    private final SftpSync sync;
    private final Folders folders;
    private final Limits limits;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private List<Pending> batch = new ArrayList<>();
    private long batchBytes;
    private long taken;
    private long named;
    private int inFlight;
    private volatile StorageException failure;

    SftpGroupCommit(SftpChannels channels, SftpSync sync, Folders folders, Limits limits) {
        this.channels = channels;
        this.sync = sync;
        this.folders = folders;
        this.limits = limits;
    }

    /** Whether this write can go in a batch. */
    static boolean accepts(ContentSource content, WriteOptions options) {
        return options.groupCommit() && content.size() <= LARGEST;
    }

    /** The object under {@code key} accepted and not yet named. */
    Optional<Pending> pending(String key) {
        return Optional.ofNullable(pending.get(key));
    }

    /**
     * Checks the content and adds it to the batch, sending the batch when it is full.
     *
     * @param target the object's path on the server
     * @throws ObjectExistsException when this target has the key pending already
     */
    ObjectInfo add(String key, String target, ContentSource content, WriteOptions options) {
        failIfFailed();
        WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
        byte[] bytes;
        try (InputStream in = content.open()) {
            bytes = in.readNBytes((int) LARGEST + 1);
        } catch (IOException e) {
            throw new StorageException("write " + key + ": reading the content to upload failed: " + e.getMessage(), e);
        }
        verifier.update(bytes, 0, bytes.length);
        verifier.verify();
        Pending p = new Pending(key, target, bytes);
        List<Pending> full = null;
        long seq = 0;
        synchronized (this) {
            if (pending.putIfAbsent(key, p) != null) {
                throw new ObjectExistsException(key);
            }
            batch.add(p);
            batchBytes += bytes.length;
            if (batch.size() >= limits.objects() || batchBytes >= limits.bytes()) {
                full = batch;
                seq = take();
            }
        }
        if (full != null) {
            commit(full, seq);
        }
        return ObjectInfo.of(key, bytes.length);
    }

    /** Forgets a pending object (deleted before it was named). */
    void discard(String key) {
        pending.remove(key);
    }

    /**
     * Sends the open batch and waits until every batch taken is named: the target's flush.
     *
     * @throws StorageException when a batch failed, now or earlier
     */
    void commitAll() {
        List<Pending> last = null;
        long seq = 0;
        synchronized (this) {
            failIfFailed();
            if (!batch.isEmpty()) {
                last = batch;
                seq = take();
            }
        }
        if (last != null) {
            commit(last, seq);
        }
        synchronized (this) {
            while (inFlight > 0 && failure == null) {
                waitHere();
            }
        }
        failIfFailed();
    }

    private long take() {
        batch = new ArrayList<>();
        batchBytes = 0;
        inFlight++;
        return ++taken;
    }

    private void commit(List<Pending> objects, long seq) {
        try {
            List<Sent> sent = channels.runOn("send " + objects.size() + " new objects", true, c -> send(c, objects));
            synchronized (this) {
                while (named != seq - 1 && failure == null) {
                    waitHere();
                }
                failIfFailed();
            }
            channels.runOn("name " + sent.size() + " new objects", true, c -> {
                name(c, sent);
                return null;
            });
            synchronized (this) {
                named = seq;
            }
        } catch (RuntimeException e) {
            StorageException f = e instanceof StorageException se ? se : new StorageException(e.getMessage(), e);
            synchronized (this) {
                if (failure == null) {
                    failure = f;
                }
            }
            throw f;
        } finally {
            synchronized (this) {
                inFlight--;
                notifyAll();
            }
        }
    }

    /** Opens, writes, syncs and closes a temporary file for each object, every step pipelined. */
    private List<Sent> send(SftpConnections.Connection c, List<Pending> objects) throws IOException, SftpException {
        Set<String> folderSet = new LinkedHashSet<>();
        objects.forEach(o -> folderSet.add(o.folder()));
        for (String f : folderSet) {
            folders.make(c.channel(), f);
        }
        SftpPipeline p = c.pipeline();
        boolean durable = sync.available(p);
        List<Sent> sent = new ArrayList<>();
        List<CompletableFuture<SftpPipeline.Reply>> opened = new ArrayList<>();
        for (Pending o : objects) {
            String temp = o.folder() + "/" + TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong());
            sent.add(new Sent(o, temp));
            opened.add(p.open(temp, SftpPipeline.WRITE | SftpPipeline.CREATE | SftpPipeline.EXCLUSIVE));
        }
        List<CompletableFuture<SftpPipeline.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            byte[] handle = p.await(opened.get(i), "create " + sent.get(i).temp()).handle();
            byte[] bytes = sent.get(i).pending().bytes();
            for (int off = 0; off < bytes.length; off += SftpPipeline.CHUNK) {
                replies.add(p.write(handle, off, bytes, off, Math.min(SftpPipeline.CHUNK, bytes.length - off)));
            }
            if (durable) {
                replies.add(p.fsync(handle));
            }
            replies.add(p.close(handle));
        }
        for (CompletableFuture<SftpPipeline.Reply> r : replies) {
            p.await(r, "write new objects");
        }
        return sent;
    }

    /** Links each temporary file to its object's name (kept when taken: the same content) and removes it. */
    private void name(SftpConnections.Connection c, List<Sent> sent) throws IOException, SftpException {
        SftpPipeline p = c.pipeline();
        List<CompletableFuture<SftpPipeline.Reply>> linked = new ArrayList<>();
        List<CompletableFuture<SftpPipeline.Reply>> removed = new ArrayList<>();
        for (Sent s : sent) {
            boolean wanted = pending.get(s.pending().key()) == s.pending();
            linked.add(wanted ? p.hardlink(s.temp(), s.pending().target()) : null);
            removed.add(p.remove(s.temp()));
        }
        for (int i = 0; i < sent.size(); i++) {
            Pending o = sent.get(i).pending();
            if (linked.get(i) != null) {
                try {
                    p.await(linked.get(i), "name " + o.key());
                } catch (SftpException e) {
                    if (lstat(c.channel(), o.target()) == null) {
                        throw e;
                    }
                    LOG.debug("{} was stored by another writer meanwhile", o.key());
                }
                sync.named(o.folder());
            }
            try {
                p.await(removed.get(i), "remove " + sent.get(i).temp());
            } catch (SftpException e) {
                LOG.debug("cannot remove {}: {}", sent.get(i).temp(), e.getMessage());
            }
            pending.remove(o.key(), o);
        }
    }

    private void waitHere() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while new objects were sent", e);
        }
    }

    private void failIfFailed() {
        StorageException f = failure;
        if (f != null) {
            throw new StorageException("an earlier batch of new objects failed; nothing more is stored here this run: "
                    + f.getMessage(), f);
        }
    }

    /** Sends what is pending (best effort: nothing names it yet). */
    @Override
    public void close() {
        try {
            if (failure == null) {
                commitAll();
            }
        } catch (StorageException e) {
            LOG.warn("new objects not sent at close: {}", e.getMessage());
        } finally {
            pending.clear();
        }
    }
}
