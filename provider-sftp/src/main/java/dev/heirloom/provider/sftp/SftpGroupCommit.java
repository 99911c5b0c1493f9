package dev.heirloom.provider.sftp;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Small create-if-absent writes sent together: the many XMP sidecars and thumbnails of a photo
 * library cost one round trip per request through JSch. A write of at most {@link #LARGEST}
 * bytes is checked against its declared size and checksums in memory and returns at once; a batch
 * ({@link Limits}) is sent by the writer that filled it, on one connection, as pipelined requests:
 * every temporary file opened, then written and closed (each synced too where the server's file
 * system cannot be synced as a whole), so a batch costs two round trips instead of five per object.
 * Naming — a link to each object's name, then removing the temporary — follows in the order the
 * batches were taken, so a tree is never named before the objects it lists: at once for synced
 * files; where one sync of the file system serves ({@link SftpSync}), once the batches sent and
 * not named reach {@link Limits#unnamedObjects()} objects or {@link Limits#unnamedBytes()} bytes,
 * and at every flush, after one such sync for all of them. Until named an object is visible to
 * this target only ({@link #pending}; read from memory or, once sent, from its temporary file); a
 * killed process leaves temporary files, which prune removes. A failed batch is final: every later
 * write and flush fails with it, so no snapshot names an object that may be missing. Thread-safe.
 */
final class SftpGroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpGroupCommit.class);
    /** The largest object sent in a batch; larger ones stream through JSch on their own. */
    static final long LARGEST = 1L << 20;

    /**
     * When a batch is sent without waiting for a flush ({@code objects}, {@code bytes}), and when
     * the batches sent are synced and named together where the file system is synced as a whole.
     */
    record Limits(int objects, long bytes, int unnamedObjects, long unnamedBytes) {
        static final Limits DEFAULT = new Limits(256, 8L << 20, 10_000, 256L << 20);
    }

    private final SftpChannels channels;
    private final SftpSync sync;
    private final SftpBatchRequests requests;
    private final Limits limits;
    private final Map<String, PendingObject> pending = new ConcurrentHashMap<>();
    private List<PendingObject> batch = new ArrayList<>();
    private long batchBytes;
    private long taken;
    private long named;
    private int inFlight;
    /** Batches sent and not named, by the order taken (where the file system is synced as a whole). */
    private final TreeMap<Long, SftpBatchRequests.SentBatch> unnamed = new TreeMap<>();
    private long unnamedObjects;
    private long unnamedBytes;
    private final ReentrantLock naming = new ReentrantLock();
    private volatile StorageException failure;

    SftpGroupCommit(SftpChannels channels, SftpSync sync, SftpBatchRequests.Folders folders, Limits limits) {
        this.channels = channels;
        this.sync = sync;
        this.requests = new SftpBatchRequests(sync, folders);
        this.limits = limits;
    }

    /** Whether this write can go in a batch. */
    static boolean accepts(ContentSource content, WriteOptions options) {
        return options.groupCommit() && content.size() <= LARGEST;
    }

    /** The object under {@code key} accepted and not yet named. */
    Optional<PendingObject> pending(String key) {
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
        PendingObject p = new PendingObject(key, target, bytes);
        List<PendingObject> full = null;
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
        List<PendingObject> last = null;
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
        nameSent(true);
    }

    private long take() {
        batch = new ArrayList<>();
        batchBytes = 0;
        inFlight++;
        return ++taken;
    }

    private void commit(List<PendingObject> objects, long seq) {
        boolean nameNow = false;
        try {
            SftpBatchRequests.SentBatch sent = channels.runOn("send " + objects.size() + " new objects", true, c -> requests.send(c, objects));
            if (sent.wholeSync()) {
                synchronized (this) {
                    unnamed.put(seq, sent);
                    unnamedObjects += objects.size();
                    unnamedBytes += objects.stream().mapToLong(PendingObject::size).sum();
                    nameNow = unnamedObjects >= limits.unnamedObjects() || unnamedBytes >= limits.unnamedBytes();
                }
                objects.forEach(PendingObject::sent); // read from the temporary file until named
            } else {
                synchronized (this) {
                    while (named != seq - 1 && failure == null) {
                        waitHere();
                    }
                    failIfFailed();
                }
                channels.runOn("name " + objects.size() + " new objects", true, c -> {
                    name(c, sent.objects());
                    return null;
                });
                synchronized (this) {
                    named = seq;
                }
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            synchronized (this) {
                inFlight--;
                notifyAll();
            }
        }
        if (nameNow) {
            nameSent(false);
        }
    }

    private StorageException failed(RuntimeException e) {
        StorageException f = e instanceof StorageException se ? se : new StorageException(e.getMessage(), e);
        synchronized (this) {
            if (failure == null) {
                failure = f;
            }
            notifyAll();
        }
        return f;
    }

    /**
     * Syncs the server's file system once, then names the batches sent before, in the order they
     * were taken: those that follow the last named one without a gap (a batch still being sent
     * holds back the ones after it). {@code wait}: wait for a naming under way instead of leaving
     * its batches to it (a flush); a writer that finds one under way goes on writing.
     */
    private void nameSent(boolean wait) {
        if (wait) {
            naming.lock();
        } else if (!naming.tryLock()) {
            return;
        }
        try {
            List<SftpBatchRequests.SentBatch> ready = new ArrayList<>();
            long last;
            synchronized (this) {
                failIfFailed();
                last = named;
                while (unnamed.containsKey(last + 1)) {
                    SftpBatchRequests.SentBatch b = unnamed.remove(++last);
                    ready.add(b);
                    unnamedObjects -= b.objects().size();
                    unnamedBytes -= b.objects().stream().mapToLong(PendingObject::size).sum();
                }
            }
            if (ready.isEmpty()) {
                return;
            }
            sync.fileSystemAfter(sync.generation()); // begun now: after every one of them was sent
            channels.runOn("name " + ready.stream().mapToInt(b -> b.objects().size()).sum() + " new objects", true,
                    c -> {
                        for (SftpBatchRequests.SentBatch b : ready) {
                            name(c, b.objects());
                        }
                        return null;
                    });
            synchronized (this) {
                named = last;
            }
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            naming.unlock();
        }
    }

    private void name(SftpConnections.Connection c, List<PendingObject> sent) throws IOException, SftpException {
        requests.name(c, sent, o -> pending.get(o.key()) == o, o -> pending.remove(o.key(), o));
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
