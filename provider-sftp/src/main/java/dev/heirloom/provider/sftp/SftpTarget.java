package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.FolderListing;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.heirloom.provider.sftp.SftpChannels.lstat;
import static dev.heirloom.provider.sftp.SftpChannels.quote;

/**
 * A repository in a folder on an SFTP server: reads, listings and deletions here; uploads, which
 * appear only whole and resume after an interruption, in {@link SftpUploads}; small new objects in
 * pipelined batches in {@link SftpGroupCommit}; what makes writes durable in {@link SftpSync};
 * hashing on the server in {@link RemoteHashCommand}; the pooled channels and their errors in
 * {@link SftpChannels}.
 */
final class SftpTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(SftpTarget.class);
    /** Names the repository keeps for itself (temporary and staged uploads); never listed, never a key. */
    static final String RESERVED = ".heirloom-";
    /** Objects from this size on resume an interrupted upload; smaller ones are sent again. */
    static final long RESUME_FROM = SftpUploads.RESUME_FROM;

    private final SftpSettings settings;
    private final SftpConnections connections;
    private final SftpChannels channels;
    private final String root;
    private final SftpSync sync;
    private final SftpUploads uploads;
    /** Small new objects sent in batches; absent without hard links (the batch names by linking). */
    private final Optional<SftpGroupCommit> group;
    private final Optional<RemoteHashCommand> remoteHash;
    private final Capabilities capabilities;

    private SftpTarget(SftpSettings settings, SftpConnections connections, String root, boolean hardlink, boolean posixRename) {
        this.settings = settings;
        this.connections = connections;
        this.channels = new SftpChannels(connections, settings.address());
        this.root = root;
        this.sync = new SftpSync(channels, root, settings.syncCommand(), settings.connectTimeout(),
                settings.readTimeout());
        this.uploads = new SftpUploads(channels, sync, root, hardlink, posixRename);
        this.group = hardlink ? Optional.of(new SftpGroupCommit(channels, sync, uploads::makeFolders,
                SftpGroupCommit.Limits.DEFAULT)) : Optional.empty();
        this.remoteHash = settings.remoteHashCommand().map(command -> new RemoteHashCommand(command, channels,
                settings.connectTimeout(), settings.readTimeout()));
        this.capabilities = Capabilities.builder().conditionalCreate(hardlink || !posixRename).atomicReplace(posixRename)
                .rangeRead(true).maxConcurrency(settings.sessions()).staging(true)
                .serverHashing(remoteHash.isPresent()).build();
    }

    /** Connects once to check the host key, credentials, extensions and the folder. */
    static SftpTarget open(SftpSettings settings) {
        SftpConnections connections = new SftpConnections(settings);
        SftpConnections.Connection c = connections.borrow();
        boolean broken = false;
        try {
            ChannelSftp ch = c.channel();
            String path = settings.path();
            if (path.startsWith("/~/")) {
                path = ch.getHome() + path.substring(2);
            }
            String root = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            boolean hardlink = ch.getExtension("hardlink@openssh.com") != null;
            boolean posixRename = ch.getExtension("posix-rename@openssh.com") != null;
            if (lstat(ch, root) == null) {
                String parent = root.substring(0, Math.max(1, root.lastIndexOf('/')));
                if (lstat(ch, parent) == null) {
                    throw new TargetUnavailableException("folder " + parent + " does not exist on " + settings.address()
                            + " (is the share mounted?); create it to use " + root, null);
                }
                ch.mkdir(quote(root));
            }
            SftpUploads.removeStages(ch, root, settings.address(), Instant.now().minus(SftpUploads.STAGE_KEPT));
            LOG.debug("SFTP {}{}: hardlink={}, posix-rename={}", settings.address(), root, hardlink, posixRename);
            return new SftpTarget(settings, connections, root, hardlink, posixRename);
        } catch (SftpException e) {
            broken = true;
            connections.close();
            throw SftpChannels.classify("cannot open " + settings.path(), e, c, settings.address());
        } catch (RuntimeException e) {
            broken = true;
            connections.close();
            throw e;
        } finally {
            connections.release(c, broken);
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Bytes that resumed uploads did not have to send again (for tests and logs). */
    long resumedBytes() {
        return uploads.resumedBytes();
    }

    private String path(String key) {
        ObjectKeys.check(key);
        for (String segment : key.split("/")) {
            if (segment.startsWith(RESERVED)) {
                throw new IllegalArgumentException("object key segments may not start with " + RESERVED);
            }
        }
        return root + "/" + key;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String p = path(key);
        Optional<PendingObject> pending = group.flatMap(g -> g.pending(key));
        if (pending.isPresent()) {
            return Optional.of(ObjectInfo.of(key, pending.get().size()));
        }
        return channels.run("stat " + key, ch -> {
            SftpATTRS a = lstat(ch, p);
            return a == null || !a.isReg() ? Optional.<ObjectInfo>empty() : Optional.of(info(key, a));
        });
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        String p = path(key);
        Optional<PendingObject> pending = group.flatMap(g -> g.pending(key));
        if (pending.isPresent()) {
            byte[] bytes = pending.get().bytes();
            if (bytes != null) {
                int from = (int) Math.min(offset, bytes.length);
                int count = (int) (length < 0 ? bytes.length - from : Math.min(length, bytes.length - from));
                return new java.io.ByteArrayInputStream(bytes, from, count);
            }
            try { // sent, not yet named: its temporary file, unless it was named meanwhile
                return read(key, pending.get().temp(), offset, length);
            } catch (ObjectNotFoundException e) {
                LOG.debug("{} was named while it was read", key);
            }
        }
        return read(key, p, offset, length);
    }

    /** Reads the object {@code key} from the file at {@code p}. */
    private InputStream read(String key, String p, long offset, long length) {
        SftpConnections.Connection c = connections.borrow();
        try {
            SftpATTRS a = lstat(c.channel(), p);
            if (a == null || !a.isReg()) {
                connections.release(c, false);
                throw new ObjectNotFoundException(key);
            }
            long available = Math.max(0, a.getSize() - offset);
            long count = length < 0 ? available : Math.min(length, available);
            if (count == 0) {
                connections.release(c, false);
                return InputStream.nullInputStream();
            }
            InputStream in = c.channel().get(quote(p), null, offset);
            // bounded by what was asked, not by the size just stat'ed: a file replaced between the
            // stat and the open is read whole in its new version, never cut at the old one's size
            return new ChannelInputStream(in, length < 0 ? Long.MAX_VALUE : length, c);
        } catch (SftpException e) {
            boolean broken = !c.isOpen();
            connections.release(c, broken);
            throw SftpChannels.classify("read " + key, e, c, settings.address());
        }
    }

    /** A remote stream that holds its connection until closed and stops after {@code left} bytes or at the end. */
    private final class ChannelInputStream extends FilterInputStream {
        private final SftpConnections.Connection connection;
        private long left;
        private boolean released;
        private boolean failed;
        private boolean ended;

        ChannelInputStream(InputStream in, long count, SftpConnections.Connection connection) {
            super(in);
            this.left = count;
            this.connection = connection;
        }

        @Override
        public int read() throws IOException {
            return BulkInputStream.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            try {
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                } else if (n < 0) {
                    ended = true;
                }
                return n;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (released) {
                return;
            }
            released = true;
            try {
                super.close();
            } catch (IOException e) {
                failed = true;
            } finally {
                // a stream closed before its end may leave requests in flight: drop that channel
                connections.release(connection, failed || (left > 0 && !ended) || !connection.isOpen());
            }
        }
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("an SFTP server");
        String target = path(key);
        if (group.isPresent() && SftpGroupCommit.accepts(content, options)) {
            return group.get().add(key, target, content, options);
        }
        return uploads.write(key, target, content, options);
    }

    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        return uploads.stage(stageName, content, this::path);
    }

    @Override
    public Checksums hashOnServer(String key) {
        RemoteHashCommand command = remoteHash.orElseThrow(() ->
                new UnsupportedOperationException("set the remoteHashCommand option to hash on " + settings.address()));
        return command.hash(key, path(key));
    }

    @Override
    public long removeInterruptedUploads() {
        return uploads.removeInterruptedUploads();
    }

    @Override
    public void delete(String key) {
        String p = path(key);
        group.ifPresent(g -> g.discard(key));
        channels.run("delete " + key, ch -> {
            try {
                ch.rm(quote(p));
            } catch (SftpException e) {
                if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        return channels.run("list " + prefix, ch -> FolderListing.page(folderKey -> listFolder(ch, folderKey),
                prefix, pageToken, pageSize));
    }

    private List<FolderListing.Entry> listFolder(ChannelSftp ch, String folderKey) throws SftpException {
        List<FolderListing.Entry> entries = new ArrayList<>();
        try {
            ch.ls(quote(folderKey.isEmpty() ? root : root + "/" + folderKey), entry -> {
                String name = entry.getFilename();
                SftpATTRS a = entry.getAttrs();
                if (!name.equals(".") && !name.equals("..") && !name.startsWith(RESERVED) && (a.isDir() || a.isReg())) {
                    entries.add(new FolderListing.Entry(name, a.isDir(), a.getSize(),
                            Optional.of(Instant.ofEpochSecond(a.getMTime()))));
                }
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return List.of();
            }
            throw e;
        }
        return entries;
    }

    /**
     * Names every batched object and makes the new names durable: a snapshot written after this
     * names nothing that a crash of the server could take back.
     */
    @Override
    public void flush() {
        group.ifPresent(SftpGroupCommit::commitAll);
        sync.folders();
    }

    @Override
    public void close() {
        try {
            group.ifPresent(SftpGroupCommit::close);
        } finally {
            connections.close();
        }
    }

    private static ObjectInfo info(String key, SftpATTRS a) {
        return ObjectInfo.of(key, a.getSize(), Optional.of(Instant.ofEpochSecond(a.getMTime())), Checksums.none());
    }
}
