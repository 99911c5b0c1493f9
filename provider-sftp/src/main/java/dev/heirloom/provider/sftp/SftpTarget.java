package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.FolderListing;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A repository in a folder on an SFTP server.
 *
 * <p>Writes go to a temporary name in the destination folder and are published only when the
 * bytes sent match the declared size and checksums: with {@code hardlink@openssh.com} (fails when
 * the name exists) for create-if-absent, with {@code posix-rename@openssh.com} for an atomic
 * replace. Without hard links, a plain SFTP rename (which OpenSSH refuses over an existing name)
 * serves if-absent when the server lacks posix-rename; otherwise if-absent is check-then-rename
 * and {@link Capabilities#conditionalCreate()} is false.
 *
 * <p>A content write whose SHA-256 is known uses a temporary name derived from it, so an upload
 * cut short by a dropped connection or a killed process continues on the next try: the bytes
 * already on the server are compared with the source before the rest is appended, and the whole
 * object is checked before it is published.
 */
final class SftpTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(SftpTarget.class);
    static final String RESERVED = ".heirloom-";
    private static final String PART = ".heirloom-part-";
    private static final String TMP = ".heirloom-tmp-";
    private static final String STAGE = ".heirloom-part-stage-";
    /** Objects from this size on resume an interrupted upload; smaller ones are sent again. */
    static final long RESUME_FROM = 8L << 20;
    /** A staged upload untouched this long was abandoned (a resumed run would have finished it). */
    private static final Duration STAGE_KEPT = Duration.ofDays(7);

    private final SftpSettings settings;
    private final SftpConnections connections;
    private final String root;
    private final boolean hardlink;
    private final boolean posixRename;
    private final Capabilities capabilities;
    private final Set<String> knownFolders = ConcurrentHashMap.newKeySet();
    private final AtomicLong resumedBytes = new AtomicLong();

    private SftpTarget(SftpSettings settings, SftpConnections connections, String root, boolean hardlink, boolean posixRename) {
        this.settings = settings;
        this.connections = connections;
        this.root = root;
        this.hardlink = hardlink;
        this.posixRename = posixRename;
        this.capabilities = Capabilities.builder().conditionalCreate(hardlink || !posixRename).atomicReplace(posixRename)
                .rangeRead(true).maxConcurrency(settings.sessions()).staging(true)
                .serverHashing(settings.remoteHashCommand().isPresent()).build();
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
            removeStages(ch, root, settings.address(), Instant.now().minus(STAGE_KEPT));
            LOG.debug("SFTP {}{}: hardlink={}, posix-rename={}", settings.address(), root, hardlink, posixRename);
            return new SftpTarget(settings, connections, root, hardlink, posixRename);
        } catch (SftpException e) {
            broken = true;
            connections.close();
            throw classify("cannot open " + settings.path(), e, c, settings.address());
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
        return resumedBytes.get();
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

    @FunctionalInterface
    private interface SftpCall<T> {
        T call(ChannelSftp channel) throws SftpException, IOException;
    }

    private <T> T withChannel(String what, SftpCall<T> call) {
        return withChannel(what, false, call);
    }

    /**
     * Runs a call on a pooled channel. {@code transfer}: the call moves file data, and a transfer
     * that fails midway leaves the channel with requests in flight, so it is not reused.
     */
    private <T> T withChannel(String what, boolean transfer, SftpCall<T> call) {
        SftpConnections.Connection c = connections.borrow();
        boolean broken = false;
        try {
            return call.call(c.channel());
        } catch (ObjectExistsException | ChecksumMismatchException e) {
            throw e;
        } catch (SourceReadException e) {
            broken = true;
            throw new StorageException(what + ": reading the content to upload failed: " + e.getCause().getMessage(), e.getCause());
        } catch (SftpException e) {
            broken = transfer || !c.isOpen();
            if (e.getCause() instanceof SourceReadException sre) {
                throw new StorageException(what + ": reading the content to upload failed: " + sre.getCause().getMessage(),
                        sre.getCause());
            }
            throw classify(what, e, c, settings.address());
        } catch (IOException e) {
            broken = true;
            throw new TargetUnavailableException(what + " on " + settings.address() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            broken = transfer || !c.isOpen();
            throw e;
        } finally {
            connections.release(c, broken);
        }
    }

    /** The content source failed, not the server. */
    private static final class SourceReadException extends IOException {
        SourceReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String p = path(key);
        return withChannel("stat " + key, ch -> {
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
            throw classify("read " + key, e, c, settings.address());
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
        String folder = target.substring(0, target.lastIndexOf('/'));
        // the name of exactly these bytes: their SHA-256, or for ciphertext made the same on every try its identity
        Optional<String> sameBytes = options.expected().get(ChecksumAlgorithm.SHA256).or(content::identity);
        // only an object large enough to be worth resuming gets a name the next try can find; the
        // probe for a partial upload costs a round trip, which for a photo is a large share
        boolean resumable = sameBytes.isPresent() && content.size() >= RESUME_FROM;
        String temp = folder + "/" + (resumable ? PART + sameBytes.get() + "-" + content.size()
                : TMP + UUID.randomUUID());
        try {
            return withChannel("write " + key, true, ch -> write(ch, key, content, options, target, folder, temp,
                    resumable));
        } catch (StorageException e) {
            if (!resumable && !(e instanceof ObjectExistsException)) {
                removeQuietly(temp);
            }
            throw e;
        }
    }

    private ObjectInfo write(ChannelSftp ch, String key, ContentSource content, WriteOptions options, String target,
                             String folder, String temp, boolean resumable) throws SftpException, IOException {
        // publishing if-absent fails anyway when the key exists; asking first saves a large upload,
        // but for a small one the extra round trip costs more than the rare wasted upload (core
        // asks before it writes)
        if (options.ifAbsent() && resumable && lstat(ch, target) != null) {
            throw new ObjectExistsException(key);
        }
        makeFolders(ch, folder);
        try {
            upload(ch, key, content, options.expected(), temp, resumable);
            return publishAndDescribe(ch, key, temp, target, options.ifAbsent(), content.size());
        } catch (ChecksumMismatchException | ObjectExistsException e) {
            removeQuietly(ch, temp);
            throw e;
        }
    }

    private void upload(ChannelSftp ch, String key, ContentSource content, Checksums expected, String temp,
                        boolean resumable) throws SftpException, IOException {
        WriteVerifier verifier = new WriteVerifier(key, content, expected);
        long offset = 0;
        InputStream source = content.open();
        try {
            SftpATTRS partial = resumable ? lstat(ch, temp) : null;
            if (partial != null && partial.isReg() && partial.getSize() > 0 && partial.getSize() <= content.size()
                    && samePrefix(ch, temp, partial.getSize(), source, verifier)) {
                offset = partial.getSize();
                resumedBytes.addAndGet(offset);
                LOG.info("{}: resuming the upload of {} at byte {} of {}", settings.address(), key, offset, content.size());
            } else if (partial != null) {
                source.close();
                source = content.open();
                verifier = new WriteVerifier(key, content, expected);
            }
            ch.put(new VerifyingStream(source, verifier), quote(temp), null, offset > 0 ? ChannelSftp.APPEND : ChannelSftp.OVERWRITE);
        } finally {
            source.close();
        }
        verifier.verify();
    }

    /** Compares the partial upload with the start of the source, feeding the digest with the source bytes. */
    private boolean samePrefix(ChannelSftp ch, String temp, long length, InputStream source, WriteVerifier verifier)
            throws SftpException, IOException {
        byte[] local = new byte[256 * 1024];
        byte[] remote = new byte[local.length];
        try (InputStream in = ch.get(quote(temp))) {
            long left = length;
            while (left > 0) {
                int n = (int) Math.min(local.length, left);
                int got = source.readNBytes(local, 0, n);
                int theirs = in.readNBytes(remote, 0, n);
                if (got != n || theirs != n || !java.util.Arrays.equals(local, 0, n, remote, 0, n)) {
                    LOG.info("{}: the partial upload {} does not match the source; starting over", settings.address(), temp);
                    return false;
                }
                verifier.update(local, 0, n);
                left -= n;
            }
        }
        return true;
    }

    private void publish(ChannelSftp ch, String key, String temp, String target, boolean ifAbsent) throws SftpException {
        if (ifAbsent) {
            if (hardlink) {
                try {
                    ch.hardlink(quote(temp), quote(target));
                } catch (SftpException e) {
                    if (lstat(ch, target) != null) {
                        throw new ObjectExistsException(key);
                    }
                    throw e;
                }
                ch.rm(quote(temp));
                return;
            }
            if (posixRename && lstat(ch, target) != null) {
                throw new ObjectExistsException(key);
            }
            try {
                ch.rename(quote(temp), quote(target));
            } catch (SftpException e) {
                if (lstat(ch, target) != null) {
                    throw new ObjectExistsException(key);
                }
                throw e;
            }
            return;
        }
        if (!posixRename && lstat(ch, target) != null) {
            ch.rm(quote(target));
        }
        ch.rename(quote(temp), quote(target));
    }

    /**
     * Uploads to a name derived from {@code stageName} in the repository's root, so that an upload
     * cut off by a dropped connection or a killed process resumes from what the server has (the
     * part already there is compared with the source first). Publishing is a hard link (or rename).
     */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        if (!stageName.matches("[0-9a-z-]{1,64}")) {
            throw new IllegalArgumentException("a stage name is 1 to 64 characters of [0-9a-z-]");
        }
        String temp = root + "/" + STAGE + stageName + "-" + content.size();
        try {
            withChannel("stage " + stageName, true, ch -> {
                upload(ch, stageName, content, Checksums.none(), temp, true);
                return null;
            });
        } catch (ChecksumMismatchException e) {
            removeQuietly(temp);
            throw e;
        } catch (StorageException e) {
            if (!e.isTransient()) {
                removeQuietly(temp);
            }
            throw e;
        }
        return StagedObject.of(content.size(), (key, options) -> {
            options.refuseLock("an SFTP server");
            String target = path(key);
            return withChannel("publish " + key, ch -> {
                makeFolders(ch, target.substring(0, target.lastIndexOf('/')));
                return publishAndDescribe(ch, key, temp, target, options.ifAbsent(), content.size());
            });
        }, () -> removeQuietly(temp));
    }

    /** Publishes an uploaded temporary file under its key and describes the object as stat would. */
    /** Publishes and describes the object by what is known: no round trip to ask its time (a small file's share is large). */
    private ObjectInfo publishAndDescribe(ChannelSftp ch, String key, String temp, String target, boolean ifAbsent,
                                          long size) throws SftpException {
        publish(ch, key, temp, target, ifAbsent);
        return ObjectInfo.of(key, size);
    }

    /**
     * Runs {@code remoteHashCommand} on the object's path over an SSH exec channel (the path
     * single-quoted for the shell) and reads the SHA-256 it prints first.
     */
    /**
     * What a command prints (its first 64 KiB) once it exits, waiting at most the read timeout in
     * all: a command that hangs, or prints without end, fails instead of holding verify forever.
     */
    private byte[] readUntilExit(ChannelExec exec, InputStream out, String command) throws IOException, InterruptedException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        while (true) {
            boolean exited = exec.isClosed();
            int ready;
            while ((ready = out.available()) > 0) {
                int n = out.read(buffer, 0, Math.min(buffer.length, ready));
                if (n < 0) {
                    break;
                }
                if (printed.size() < 64 * 1024) {
                    printed.write(buffer, 0, Math.min(n, 64 * 1024 - printed.size()));
                }
            }
            if (exited) {
                return printed.toByteArray();
            }
            if (System.nanoTime() > deadline) {
                throw new StorageException("remoteHashCommand '" + command + "' on " + settings.address()
                        + " did not finish within the read timeout (" + settings.readTimeout().toSeconds()
                        + " s); it was stopped");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public Checksums hashOnServer(String key) {
        String command = settings.remoteHashCommand().orElseThrow(() ->
                new UnsupportedOperationException("set the remoteHashCommand option to hash on " + settings.address()));
        String target = path(key);
        SftpConnections.Connection c = connections.borrow();
        boolean broken = false;
        try {
            ChannelExec exec = (ChannelExec) c.session().openChannel("exec");
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            exec.setCommand(command + " " + shellQuote(target));
            exec.setErrStream(errors, true);
            InputStream out = exec.getInputStream();
            exec.connect((int) settings.connectTimeout().toMillis());
            byte[] printed;
            try {
                printed = readUntilExit(exec, out, command);
            } finally {
                exec.disconnect();
            }
            int status = exec.getExitStatus();
            if (status != 0) {
                if (lstat(c.channel(), target) == null) {
                    throw new ObjectNotFoundException(key);
                }
                String why = errors.toString(StandardCharsets.UTF_8).strip().lines().findFirst().orElse("no message");
                throw new StorageException("remoteHashCommand '" + command + "' failed on " + settings.address()
                        + " (exit " + status + "): " + why);
            }
            String text = new String(printed, StandardCharsets.UTF_8).strip();
            String first = text.isEmpty() ? "" : text.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (!first.matches("[0-9a-f]{64}")) {
                String shown = text.lines().findFirst().orElse("").replaceAll("\\p{Cntrl}", "?");
                throw new StorageException("remoteHashCommand '" + command + "' on " + settings.address()
                        + " printed no SHA-256 (it printed '" + shown.substring(0, Math.min(80, shown.length()))
                        + "'); use sha256sum or 'shasum -a 256'");
            }
            return Checksums.sha256(first);
        } catch (JSchException e) {
            broken = !c.isOpen();
            if (!c.isOpen()) {
                throw new TargetUnavailableException("hash " + key + " on " + settings.address() + ": " + e.getMessage(), e);
            }
            throw new StorageException("the SSH server " + settings.address() + " refused to run remoteHashCommand ("
                    + e.getMessage() + "); it needs an account with a shell, not an SFTP-only one", e);
        } catch (SftpException e) {
            broken = !c.isOpen();
            throw classify("hash " + key, e, c, settings.address());
        } catch (IOException e) {
            broken = true;
            throw new TargetUnavailableException("hash " + key + " on " + settings.address() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while hashing " + key, e);
        } finally {
            connections.release(c, broken);
        }
    }

    /** A path as one word for a POSIX shell: single quotes, each quote inside closed, escaped and reopened. */
    static String shellQuote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }

    private void removeQuietly(String path) {
        try {
            withChannel("remove " + path, ch -> {
                removeQuietly(ch, path);
                return null;
            });
        } catch (StorageException ignored) {
            // the server is gone; the temporary name is never listed and is cleaned up later
        }
    }

    /**
     * Removes staged uploads in the root last written before {@code before}: at open, those nobody
     * resumed for {@link #STAGE_KEPT}.
     *
     * @return the bytes freed
     */
    private static long removeStages(ChannelSftp ch, String root, String address, Instant before) {
        long limit = before.getEpochSecond();
        java.util.Map<String, Long> abandoned = new java.util.LinkedHashMap<>();
        long freed = 0;
        try {
            ch.ls(quote(root), entry -> {
                if (entry.getFilename().startsWith(STAGE) && entry.getAttrs().isReg()
                        && entry.getAttrs().getMTime() < limit) {
                    abandoned.put(entry.getFilename(), entry.getAttrs().getSize());
                }
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
            for (java.util.Map.Entry<String, Long> e : abandoned.entrySet()) {
                ch.rm(quote(root + "/" + e.getKey()));
                freed += e.getValue();
                LOG.info("{}: removed {}/{}, an upload an interrupted run left", address, root, e.getKey());
            }
        } catch (SftpException e) {
            LOG.debug("{}: cannot clean up abandoned uploads in {}: {}", address, root, e.getMessage());
        }
        return freed;
    }

    /** Every staged upload in the root: under the exclusive lock nothing is staging. */
    @Override
    public long removeInterruptedUploads() {
        return withChannel("remove interrupted uploads",
                ch -> removeStages(ch, root, settings.address(), Instant.now().plus(Duration.ofDays(365))));
    }

    private void makeFolders(ChannelSftp ch, String folder) throws SftpException {
        if (folder.equals(root) || knownFolders.contains(folder)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        String current = folder;
        while (!current.equals(root) && !knownFolders.contains(current) && lstat(ch, current) == null) {
            missing.add(0, current);
            current = current.substring(0, current.lastIndexOf('/'));
        }
        for (String f : missing) {
            try {
                ch.mkdir(quote(f));
            } catch (SftpException e) {
                SftpATTRS a = lstat(ch, f);
                if (a == null || !a.isDir()) {
                    throw e;
                }
            }
        }
        knownFolders.add(folder);
    }

    @Override
    public void delete(String key) {
        String p = path(key);
        withChannel("delete " + key, ch -> {
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
        return withChannel("list " + prefix, ch -> FolderListing.page(folderKey -> listFolder(ch, folderKey),
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

    @Override
    public void close() {
        connections.close();
    }

    private static ObjectInfo info(String key, SftpATTRS a) {
        return ObjectInfo.of(key, a.getSize(), Optional.of(Instant.ofEpochSecond(a.getMTime())), Checksums.none());
    }

    /** lstat, or null when the path does not exist. */
    private static SftpATTRS lstat(ChannelSftp ch, String path) throws SftpException {
        try {
            return ch.lstat(quote(path));
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** JSch treats {@code *} and {@code ?} in paths as glob patterns; escape them. */
    static String quote(String path) {
        return path.replace("*", "\\*").replace("?", "\\?");
    }

    private static void removeQuietly(ChannelSftp ch, String path) {
        try {
            ch.rm(quote(path));
        } catch (SftpException e) {
            LOG.debug("cannot remove {}: {}", path, e.getMessage());
        }
    }

    private static StorageException classify(String what, SftpException e, SftpConnections.Connection c, String address) {
        String message = what + " on " + address + ": " + (e.getMessage() == null || e.getMessage().isEmpty()
                ? "SFTP status " + e.id : e.getMessage());
        if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
            return new ObjectNotFoundException(what, e);
        }
        if (e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
            return new AuthenticationException(message + " (permission denied)", e);
        }
        if (!c.isOpen() || e.getCause() instanceof IOException || e.id == ChannelSftp.SSH_FX_CONNECTION_LOST
                || e.id == ChannelSftp.SSH_FX_NO_CONNECTION) {
            return new TargetUnavailableException(message + " (connection lost)", e);
        }
        return new StorageException(message, e);
    }

    /** Feeds the verifier with every byte read; a failure of the source is marked as such. */
    private static final class VerifyingStream extends FilterInputStream {
        private final WriteVerifier verifier;

        VerifyingStream(InputStream in, WriteVerifier verifier) {
            super(in);
            this.verifier = verifier;
        }

        @Override
        public int read() throws IOException {
            return BulkInputStream.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw new SourceReadException(e);
            }
            if (n > 0) {
                verifier.update(b, off, n);
            }
            return n;
        }
    }
}
