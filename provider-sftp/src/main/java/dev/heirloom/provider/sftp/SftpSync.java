package dev.heirloom.provider.sftp;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes what an SFTP target writes durable on the server with {@code fsync@openssh.com}: a file's
 * bytes before it is given its name, and at {@link #folders() a flush} the folders that received
 * new names (opened read-only, which OpenSSH allows, and synced), so a snapshot is written only
 * once every name it refers to is on the server's disk. A server without the extension gets no
 * sync (its writes are as durable as its file system makes them on its own; said once in the log),
 * and one that refuses to open a folder gets file syncs only.
 *
 * <p>Where the account may run commands and the repository's file system is one whose sync is
 * known to reach the disk ({@code stat -f}: the types {@link #WHOLE_SYNC_TYPES}), a batch of new
 * objects is made durable by one run of the {@code syncCommand} ({@code sync -f}, {@code syncfs(2)}
 * of that file system) instead of one {@code fsync} per file, and batches that finish sending
 * while a sync runs share the next one. Thread-safe.
 */
final class SftpSync {
    private static final Logger LOG = LoggerFactory.getLogger(SftpSync.class);
    static final String FSYNC = "fsync@openssh.com";

    /** File systems, as {@code stat -f -c %T} names them, whose sync writes every dirty page and commits their journal. */
    static final Set<String> WHOLE_SYNC_TYPES = Set.of("ext2/ext3", "xfs", "btrfs", "f2fs", "jfs", "msdos", "vfat",
            "exfat", "ntfs", "zfs", "tmpfs", "overlayfs");

    private final SftpChannels channels;
    private final String root;
    private final Optional<String> syncCommand;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Set<String> named = ConcurrentHashMap.newKeySet();
    private volatile boolean warned;
    private volatile boolean foldersRefused;
    private volatile Boolean wholeSync;
    private final Object syncing = new Object();
    private long started;
    private long completed;

    /**
     * @param root        the repository's folder on the server
     * @param syncCommand the command that syncs the file system holding the path it is given; empty: none
     */
    SftpSync(SftpChannels channels, String root, Optional<String> syncCommand, Duration connectTimeout,
             Duration readTimeout) {
        this.channels = channels;
        this.root = root;
        this.syncCommand = syncCommand;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * Whether batches are made durable by one sync of the server's file system rather than file by
     * file: asked once, on {@code c} ({@code stat -f} of the root, then the sync command itself).
     *
     * @throws IOException when the connection is lost while asking
     */
    boolean fileSystemSync(SftpConnections.Connection c) throws IOException {
        Boolean known = wholeSync;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (wholeSync == null) {
                wholeSync = probe(c);
            }
            return wholeSync;
        }
    }

    private boolean probe(SftpConnections.Connection c) throws IOException {
        if (syncCommand.isEmpty()) {
            return false;
        }
        String address = channels.address();
        try {
            SshCommand.Result type = SshCommand.run(c, "stat -f -c %T " + SshCommand.quote(root), connectTimeout,
                    readTimeout);
            String name = type.printed().strip();
            if (!type.ok() || !WHOLE_SYNC_TYPES.contains(name)) {
                LOG.info("{}: new objects are synced one by one: {}", address, type.ok()
                        ? "its file system (" + name + ") is not one whose sync is known to reach the disk"
                        : "'stat -f' failed: " + type.error());
                return false;
            }
            SshCommand.Result sync = SshCommand.run(c, syncCommand.get() + " " + SshCommand.quote(root),
                    connectTimeout, readTimeout);
            if (!sync.ok()) {
                LOG.info("{}: new objects are synced one by one: '{}' failed (exit {}): {}", address,
                        syncCommand.get(), sync.exitStatus(), sync.error());
                return false;
            }
            LOG.debug("{}: batches of new objects are made durable by '{}' ({})", address, syncCommand.get(), name);
            return true;
        } catch (JSchException e) {
            if (!c.isOpen()) {
                throw new IOException("the connection was lost: " + e.getMessage(), e);
            }
            LOG.info("{}: new objects are synced one by one: the account may not run commands ({})", address,
                    e.getMessage());
            return false;
        } catch (SshCommand.TimedOut e) {
            LOG.info("{}: new objects are synced one by one: '{}' {}", address, syncCommand.get(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking how to sync " + address);
        }
    }

    /** How many file-system syncs have begun: bytes written before this was read are made durable by {@link #fileSystemAfter}. */
    long generation() {
        synchronized (syncing) {
            return started;
        }
    }

    /**
     * Makes durable everything written before {@link #generation()} returned {@code sentAt}: by a
     * sync of the file system begun after that, run now unless another batch's already has.
     *
     * @throws dev.heirloom.spi.StorageException when the sync fails (the bytes may not be on the disk)
     */
    void fileSystemAfter(long sentAt) {
        synchronized (syncing) {
            if (completed > sentAt) {
                return;
            }
            long generation = ++started;
            channels.runOn("sync the file system of " + root, false, c -> {
                runSync(c);
                return null;
            });
            completed = generation;
        }
    }

    private void runSync(SftpConnections.Connection c) throws IOException {
        // a sync writes back everything dirty on that file system: allow it far longer than one reply
        Duration limit = readTimeout.multipliedBy(10);
        try {
            SshCommand.Result r = SshCommand.run(c, syncCommand.orElseThrow() + " " + SshCommand.quote(root),
                    connectTimeout, limit);
            if (!r.ok()) {
                throw new StorageException("'" + syncCommand.get() + "' failed on " + channels.address() + " (exit "
                        + r.exitStatus() + "): " + r.error() + "; the new objects may not be on its disk");
            }
        } catch (JSchException e) {
            throw new IOException("cannot run '" + syncCommand.get() + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while syncing " + channels.address());
        }
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
        if (named.isEmpty()) {
            return;
        }
        List<String> taken = new ArrayList<>(named);
        taken.forEach(named::remove);
        if (Boolean.TRUE.equals(wholeSync)) { // one sync of the file system covers every folder
            try {
                fileSystemAfter(generation());
            } catch (RuntimeException e) {
                named.addAll(taken);
                throw e;
            }
            return;
        }
        if (foldersRefused) {
            return;
        }
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
