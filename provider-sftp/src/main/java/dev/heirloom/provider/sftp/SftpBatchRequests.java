package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import static dev.heirloom.provider.sftp.SftpChannels.lstat;

/**
 * The requests that store a batch of small objects ({@link SftpGroupCommit} decides when): sending
 * — every temporary file opened, then written, synced where each file must be, and closed, all
 * pipelined on one connection's {@link SftpPipeline} — and naming — each temporary file linked to
 * its object's name and removed. Stateless apart from the folders it has made; thread-safe.
 */
final class SftpBatchRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SftpBatchRequests.class);
    /** How the temporary file of a batched object is named, beside its object. */
    static final String TEMP_PREFIX = ".heirloom-tmp-g-";

    /** Creates a folder and its missing parents (cached by the caller). */
    @FunctionalInterface
    interface Folders {
        void make(ChannelSftp channel, String folder) throws SftpException;
    }

    /** A batch on the server under temporary names ({@link PendingObject#temp()}); {@code wholeSync}: not synced file by file. */
    record SentBatch(List<PendingObject> objects, boolean wholeSync) {
    }

    private final SftpSync sync;
    private final Folders folders;

    SftpBatchRequests(SftpSync sync, Folders folders) {
        this.sync = sync;
        this.folders = folders;
    }

    /**
     * Opens, writes, syncs (unless the server's file system is synced as a whole) and closes a
     * temporary file for each object, every step pipelined; each object learns its temporary name.
     */
    SentBatch send(SftpConnections.Connection c, List<PendingObject> objects) throws IOException, SftpException {
        Set<String> folderSet = new LinkedHashSet<>();
        objects.forEach(o -> folderSet.add(o.folder()));
        for (String f : folderSet) {
            folders.make(c.channel(), f);
        }
        SftpPipeline p = c.pipeline();
        boolean wholeSync = sync.fileSystemSync(c);
        boolean eachFile = !wholeSync && sync.available(p);
        List<CompletableFuture<SftpPipeline.Reply>> opened = new ArrayList<>();
        for (PendingObject o : objects) {
            String temp = o.folder() + "/" + TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong());
            o.sending(temp);
            opened.add(p.open(temp, SftpPipeline.WRITE | SftpPipeline.CREATE | SftpPipeline.EXCLUSIVE));
        }
        List<CompletableFuture<SftpPipeline.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            byte[] handle = p.await(opened.get(i), "create " + objects.get(i).temp()).handle();
            byte[] bytes = objects.get(i).bytes();
            for (int off = 0; off < bytes.length; off += SftpPipeline.CHUNK) {
                replies.add(p.write(handle, off, bytes, off, Math.min(SftpPipeline.CHUNK, bytes.length - off)));
            }
            if (eachFile) {
                replies.add(p.fsync(handle));
            }
            replies.add(p.close(handle));
        }
        for (CompletableFuture<SftpPipeline.Reply> r : replies) {
            p.await(r, "write new objects");
        }
        return new SentBatch(List.copyOf(objects), wholeSync);
    }

    /**
     * Links each temporary file to its object's name (a name taken meanwhile is kept: the same
     * content) unless {@code wanted} says the object was deleted, and removes the temporary.
     *
     * @param named told of each object once it has its name (or lost it to a delete)
     */
    void name(SftpConnections.Connection c, List<PendingObject> sent, Predicate<PendingObject> wanted,
              java.util.function.Consumer<PendingObject> named) throws IOException, SftpException {
        SftpPipeline p = c.pipeline();
        List<CompletableFuture<SftpPipeline.Reply>> linked = new ArrayList<>();
        List<CompletableFuture<SftpPipeline.Reply>> removed = new ArrayList<>();
        for (PendingObject o : sent) {
            linked.add(wanted.test(o) ? p.hardlink(o.temp(), o.target()) : null);
            removed.add(p.remove(o.temp()));
        }
        for (int i = 0; i < sent.size(); i++) {
            PendingObject o = sent.get(i);
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
                p.await(removed.get(i), "remove " + o.temp());
            } catch (SftpException e) {
                LOG.debug("cannot remove {}: {}", o.temp(), e.getMessage());
            }
            named.accept(o);
        }
    }
}
