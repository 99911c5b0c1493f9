package dev.heirloom.provider.sftp;

import com.jcraft.jsch.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes what an SFTP target writes durable on the server with {@code fsync@openssh.com}: a file's
 * bytes before it is given its name, and at {@link #folders() a flush} the folders that received
 * new names (opened read-only, which OpenSSH allows, and synced), so a snapshot is written only
 * once every name it refers to is on the server's disk. A server without the extension gets no
 * sync (its writes are as durable as its file system makes them on its own; said once in the log),
 * and one that refuses to open a folder gets file syncs only. Thread-safe.
 */
final class SftpSync {
    private static final Logger LOG = LoggerFactory.getLogger(SftpSync.class);
    static final String FSYNC = "fsync@openssh.com";

    private final SftpChannels channels;
    private final Set<String> named = ConcurrentHashMap.newKeySet();
    private volatile boolean warned;
    private volatile boolean foldersRefused;

    SftpSync(SftpChannels channels) {
        this.channels = channels;
    }

    /** Whether the server can sync (known once a connection's pipeline is open). */
    boolean available(SftpPipeline pipeline) {
        if (pipeline.has(FSYNC)) {
            return true;
        }
        if (!warned) {
            warned = true;
            LOG.warn("{} does not offer {}: Heirloom cannot make its writes durable there, they are as safe as "
                    + "the server's file system makes them on its own", channels.address(), FSYNC);
        }
        return false;
    }

    /** Makes the bytes of the file at {@code path} durable, before it is given a name. */
    void file(SftpConnections.Connection c, String path) throws IOException, SftpException {
        SftpPipeline p = c.pipeline();
        if (!available(p)) {
            return;
        }
        byte[] handle = p.await(p.open(path, SftpPipeline.READ), "open " + path).handle();
        CompletableFuture<SftpPipeline.Reply> synced = p.fsync(handle);
        CompletableFuture<SftpPipeline.Reply> closed = p.close(handle);
        try {
            p.await(synced, "fsync " + path);
        } finally {
            p.await(closed, "close " + path);
        }
    }

    /** Notes that {@code folder} received a new name, to be made durable at the next {@link #folders()}. */
    void named(String folder) {
        named.add(folder);
    }

    /**
     * Makes the folders that received new names since the last call durable.
     *
     * @throws dev.heirloom.spi.StorageException when a sync fails (the names may not survive a crash)
     */
    void folders() {
        if (named.isEmpty() || foldersRefused) {
            return;
        }
        List<String> taken = new ArrayList<>(named);
        taken.forEach(named::remove);
        try {
            channels.runOn("make " + taken.size() + " folders' new names durable", false, c -> {
                syncFolders(c, taken);
                return null;
            });
        } catch (RuntimeException e) {
            named.addAll(taken); // tried again at the next flush
            throw e;
        }
    }

    private void syncFolders(SftpConnections.Connection c, List<String> folders) throws IOException, SftpException {
        SftpPipeline p = c.pipeline();
        if (!available(p)) {
            return;
        }
        Map<String, CompletableFuture<SftpPipeline.Reply>> opened = new LinkedHashMap<>();
        for (String folder : folders) {
            opened.put(folder, p.open(folder, SftpPipeline.READ));
        }
        Map<String, byte[]> handles = new LinkedHashMap<>();
        SftpException refused = null;
        for (Map.Entry<String, CompletableFuture<SftpPipeline.Reply>> e : opened.entrySet()) {
            try {
                handles.put(e.getKey(), p.await(e.getValue(), "open the folder " + e.getKey()).handle());
            } catch (SftpException ex) {
                refused = ex;
            }
        }
        List<CompletableFuture<SftpPipeline.Reply>> synced = new ArrayList<>();
        List<CompletableFuture<SftpPipeline.Reply>> closed = new ArrayList<>();
        for (byte[] h : handles.values()) {
            synced.add(p.fsync(h));
            closed.add(p.close(h));
        }
        for (int i = 0; i < synced.size(); i++) {
            p.await(synced.get(i), "fsync a folder");
            p.await(closed.get(i), "close a folder");
        }
        if (refused != null && handles.isEmpty()) {
            // a server that opens no folder as a file (one that opens some lost a folder meanwhile): the names rest on its file system's own ordering
            foldersRefused = true;
            LOG.info("{} does not let a folder be opened to sync it ({}); new names are as durable as its file "
                    + "system makes them", channels.address(), refused.getMessage());
        }
    }
}
