package dev.heirloom.provider.vfs;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.LimitedInputStream;
import dev.heirloom.spi.MultiDigest;
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
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileSystemOptions;
import org.apache.commons.vfs2.FileType;
import org.apache.commons.vfs2.RandomAccessContent;
import org.apache.commons.vfs2.impl.DefaultFileSystemManager;
import org.apache.commons.vfs2.util.RandomAccessMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A repository in a folder reached through Commons VFS. Keys are files under the folder. A write
 * goes to a temporary name under {@code .heirloom-tmp/} (never listed), its size is checked on the
 * server and its bytes were hashed as they went, and only then is it renamed to its key (FTP
 * RNFR/RNTO, WebDAV MOVE). Commons VFS can neither refuse an existing name atomically nor swap a
 * file in one step, so the capabilities say so: create-if-absent is check-then-act and a replace
 * may leave a moment with no object, never a partial one.
 */
final class VfsTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(VfsTarget.class);
    /** Temporary names, under the repository folder; never listed. */
    static final String TEMP = ".heirloom-tmp";
    /** Temporaries older than this are left by a crash and are removed when a target is opened. */
    static final Duration ABANDONED = Duration.ofDays(1);

    private final DefaultFileSystemManager manager;
    private final FileObject root;
    private final VfsSettings settings;
    private final Capabilities capabilities;
    private final boolean webdav;
    /** WebDAV uploads stream through the JDK's client (see WebdavPut); null for FTP. */
    private final WebdavPut webdavPut;
    /** An FTP server's own SHA-256 of a file ({@code HASH}); null where the server offers none. */
    private final FtpHashes hashes;

    private VfsTarget(DefaultFileSystemManager manager, FileObject root, VfsSettings settings, SSLContext tls,
                      FtpHashes hashes) {
        this.manager = manager;
        this.root = root;
        this.settings = settings;
        this.webdav = settings.protocol().startsWith("webdav");
        this.webdavPut = webdav ? new WebdavPut(settings, tls) : null;
        this.hashes = hashes;
        this.capabilities = Capabilities.builder().conditionalCreate(false).atomicReplace(false).rangeRead(true)
                .maxConcurrency(settings.concurrency())
                .serverHashing(hashes != null)
                // not over FTPS: an upload there now and then arrives short (see ShortUpload), and staged
                // content, read once, cannot be sent again; a write can
                .staging(!settings.protocol().equals("ftps")).build();
    }

    /** Connects, creates the repository folder when missing, removes abandoned temporaries. */
    static VfsTarget open(VfsSettings settings) {
        DefaultFileSystemManager manager = null;
        try {
            // one TLS context for the target: Commons VFS's connections and the streamed uploads trust the same
            SSLContext tls = settings.protocol().equals("webdav4s") ? VfsFileSystems.sslContext(settings) : null;
            manager = VfsFileSystems.manager(tls);
            FileSystemOptions options = VfsFileSystems.options(settings);
            FileObject root = manager.resolveFile(settings.vfsUri(), options);
            if (!root.exists()) {
                root.createFolder();
            } else if (root.getType() != FileType.FOLDER) {
                throw new dev.heirloom.spi.InvalidConfigException(settings + " is a file, not a folder");
            }
            FtpHashes hashes = !settings.protocol().startsWith("ftp") ? null : FtpHashes.connect(settings,
                    settings.protocol().equals("ftps") ? new HostCheckingTrustManager(VfsFileSystems.trustManager(settings),
                            settings.host()) : null).orElse(null);
            VfsTarget target = new VfsTarget(manager, root, settings, tls, hashes);
            target.cleanUp(Instant.now().minus(ABANDONED));
            return target;
        } catch (FileSystemException e) {
            if (manager != null) {
                manager.close();
            }
            throw VfsErrors.translate("open " + settings, e, settings);
        } catch (RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            throw e;
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    private FileObject file(String key) throws FileSystemException {
        ObjectKeys.check(key);
        return root.resolveFile(VfsNames.escape(key, webdav));
    }

    @FunctionalInterface
    private interface VfsCall<T> {
        T call() throws IOException;
    }

    /**
     * Whether the failure, or what caused it, is a pooled HTTP connection shut down under the call
     * (VFS wraps it: "Could not determine the type of file ..." with the shut-down message below).
     */
    static boolean connectionShutDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("has been shut down")
                    || (t instanceof org.apache.commons.vfs2.FileSystemException fse
                    && java.util.Arrays.stream(fse.getInfo()).anyMatch(i -> i.contains("has been shut down")))) {
                return true;
            }
        }
        return false;
    }

    /** Tries of a call whose pooled HTTP connection was shut down under it. */
    private static final int SHUT_DOWN_TRIES = 4;

    private <T> T call(String what, VfsCall<T> call) {
        return call(what, true, call);
    }

    /** @param repeatable whether the call may run twice (staging may not: its content is read once) */
    private <T> T call(String what, boolean repeatable, VfsCall<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (StorageException e) {
                throw e;
            } catch (IOException e) {
                // Commons VFS's HTTP client now and then hands a thread a connection another thread
                // just shut down (racing writers hit it twice in a row in CI); again on a fresh one,
                // a few times (a write reopens its content, as allowed)
                if (!repeatable || !connectionShutDown(e) || attempt >= SHUT_DOWN_TRIES) {
                    throw VfsErrors.translate(what, e, settings);
                }
                LOG.debug("{}: {}; trying again", what, e.getMessage());
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw VfsErrors.translate(what, e, settings);
                }
            }
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return call("stat " + key, () -> {
            FileObject f = file(key);
            if (!f.exists() || f.getType() != FileType.FILE) {
                return Optional.empty();
            }
            return Optional.of(info(key, f));
        });
    }

    private static ObjectInfo info(String key, FileObject f) throws FileSystemException {
        long modified = f.getContent().getLastModifiedTime();
        return ObjectInfo.of(key, f.getContent().getSize(),
                modified > 0 ? Optional.of(Instant.ofEpochMilli(modified)) : Optional.empty(), Checksums.none());
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        return call("read " + key, () -> {
            FileObject f = file(key);
            if (!f.exists() || f.getType() != FileType.FILE) {
                throw new ObjectNotFoundException(key);
            }
            long size = f.getContent().getSize();
            long count = Math.max(0, Math.min(length < 0 ? Long.MAX_VALUE : length, size - offset));
            if (count == 0) {
                return InputStream.nullInputStream();
            }
            if (offset == 0) {
                return bounded(f.getContent().getInputStream(), count, null);
            }
            RandomAccessContent rac = f.getContent().getRandomAccessContent(RandomAccessMode.READ);
            rac.seek(offset);
            return bounded(rac.getInputStream(), count, rac);
        });
    }

    /** At most {@code count} bytes of {@code in}; closing it closes what was opened for it. */
    private static InputStream bounded(InputStream in, long count, AutoCloseable also) {
        return new LimitedInputStream(in, count) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } catch (IOException e) {
                    if (remaining() <= 0 && count > 0) {
                        // a range that ends before the file does: FTP aborts the transfer, and the
                        // server's "426 transfer aborted" makes VFS's close fail; the bytes were all read
                        LOG.debug("closing a ranged read that stopped early: {}", e.getMessage());
                    } else {
                        throw e;
                    }
                } finally {
                    if (also != null) {
                        try {
                            also.close();
                        } catch (Exception e) {
                            LOG.debug("closing a ranged read: {}", e.getMessage());
                        }
                    }
                }
            }
        };
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("an FTP or WebDAV server");
        return call("write " + key, () -> {
            FileObject dest = file(key);
            if (options.ifAbsent() && dest.exists()) {
                throw new ObjectExistsException(key);
            }
            FileObject temp;
            try {
                temp = upload(key, UUID.randomUUID().toString(), content, options.expected());
            } catch (ShortUpload e) {
                // seen with pyftpdlib over TLS: the server kept fewer bytes than it confirmed; once more
                LOG.warn("{}: {}; sending it again", settings, e.getMessage());
                temp = upload(key, UUID.randomUUID().toString(), content, options.expected());
            }
            try {
                return publish(key, dest, temp, content.size(), options);
            } finally {
                deleteQuietly(temp);
            }
        });
    }

    /**
     * Sends the content to a temporary name, hashing it as it goes, and checks its size there, and
     * its SHA-256 where the FTP server computes one.
     */
    private FileObject upload(String key, String tempName, ContentSource content, Checksums expected) throws IOException {
        FileObject temp = root.resolveFile(TEMP + "/" + tempName);
        WriteVerifier verifier = new WriteVerifier(key, content, expected);
        // the server's SHA-256 is compared with the sent bytes': the verifier knows it when the caller expects
        // one (a content object's name) or the content vouches for it; else it is computed here
        boolean shaKnown = expected.get(ChecksumAlgorithm.SHA256).isPresent()
                || content.knownChecksums().get(ChecksumAlgorithm.SHA256).isPresent();
        MultiDigest sent = hashes == null || shaKnown ? null : MultiDigest.sha256Only();
        boolean done = false;
        try {
            if (webdavPut != null) {
                ensureFolder(temp.getParent());
                webdavPut.put("write " + key, TEMP + "/" + tempName, content, verifier);
            } else {
                byte[] buffer = new byte[256 * 1024];
                try (InputStream in = content.open(); OutputStream out = temp.getContent().getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        verifier.update(buffer, 0, n);
                        if (sent != null) {
                            sent.update(buffer, 0, n);
                        }
                        if (verifier.overflowed()) {
                            break;
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
            Checksums actual = verifier.verify();
            long stored = -1;
            for (int look = 0; look < 20 && stored != content.size(); look++) {
                if (look > 0) {
                    // a server may finish writing the file a moment after it confirmed the transfer
                    sleep(100);
                }
                temp.refresh();
                stored = temp.getContent().getSize();
            }
            if (stored != content.size()) {
                throw new ShortUpload("write " + key + ": the server holds " + stored + " of " + content.size()
                        + " bytes sent; nothing was published");
            }
            if (hashes != null) {
                String sentSha256 = actual.get(ChecksumAlgorithm.SHA256)
                        .orElseGet(() -> sent.finish().get(ChecksumAlgorithm.SHA256).orElseThrow());
                String storedSha256 = hashes.sha256(temp.getName().getPath());
                if (!storedSha256.equals(sentSha256)) {
                    throw new ChecksumMismatchException("write " + key + ": the server's SHA-256 of what it stored is "
                            + storedSha256 + ", of what was sent " + sentSha256 + "; nothing was published");
                }
            }
            done = true;
            return temp;
        } finally {
            if (!done) {
                deleteQuietly(temp);
            }
        }
    }

    /** Renames a checked temporary to its key: check-then-act for if-absent (see the class comment). */
    private ObjectInfo publish(String key, FileObject dest, FileObject temp, long size, WriteOptions options)
            throws IOException {
        if (options.ifAbsent() && dest.exists()) {
            throw new ObjectExistsException(key);
        }
        ensureFolder(dest.getParent());
        try {
            temp.moveTo(dest);
        } catch (FileSystemException e) {
            dest.refresh();
            if (options.ifAbsent() && dest.exists()) {
                // check-then-act lost a race: another writer's file is there now
                throw new ObjectExistsException(key);
            }
            if (String.valueOf(e.getMessage()).contains("Precondition Failed")) {
                // WebDAV MOVE with Overwrite: F found the key taken: another writer renamed first
                if (options.ifAbsent()) {
                    throw new ObjectExistsException(key);
                }
                throw new TargetUnavailableException("write " + key + ": another writer replaced it at the same "
                        + "moment; try again", null);
            }
            throw e;
        }
        // a server may answer the first look after a MOVE from a listing it had cached (rclone's, under
        // parallel renames in one folder): look a few times before calling the rename lost
        for (int look = 0; look < 5; look++) {
            dest.refresh();
            try {
                if (dest.getType() == FileType.FILE && dest.getContent().getSize() == size) {
                    return info(key, dest);
                }
            } catch (FileSystemException replacedMeanwhile) {
                LOG.debug("{}: {} changed while it was checked: {}", settings, key, replacedMeanwhile.getMessage());
            }
            if (look < 4) {
                sleep(50L << look);
            }
        }
        if (options.ifAbsent()) {
            // another writer's rename came right after ours (check-then-act: conditionalCreate is false)
            throw new ObjectExistsException(key);
        }
        throw new TargetUnavailableException("write " + key + ": the rename did not leave " + size + " bytes under "
                + "the key (another writer may have replaced it)", null);
    }

    /**
     * Stages by uploading to a temporary named after the stage name; publishing renames it, so a
     * new large file is read once and sent once.
     */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        if (!capabilities.staging()) {
            throw new UnsupportedOperationException(settings + " does not stage content (FTPS)");
        }
        if (stageName == null || !stageName.matches("[0-9a-z-]{1,64}")) {
            throw new IllegalArgumentException("stage names are 1 to 64 characters of [0-9a-z-]");
        }
        FileObject temp = call("stage " + stageName, false, () -> upload(stageName, "stage-" + stageName + "-"
                + UUID.randomUUID(), content, Checksums.none()));
        return StagedObject.of(content.size(), (key, options) -> {
            options.refuseLock("an FTP or WebDAV server");
            return call("publish " + key, () -> publish(key, file(key), temp, content.size(), options));
        }, () -> deleteQuietly(temp));
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> {
            FileObject f = file(key);
            if (f.exists()) {
                f.delete();
            }
            return null;
        });
    }

    /**
     * Lists by walking the folders in name order; the page token is the last key returned, and a
     * folder whose names all sort before it is not entered again.
     */
    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(prefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        return call("list " + prefix, () -> {
            List<ObjectInfo> out = new ArrayList<>();
            String after = pageToken.orElse("");
            boolean more = walk(root, "", prefix, after, pageSize, out);
            return ListPage.of(out, more && !out.isEmpty() ? Optional.of(out.get(out.size() - 1).key()) : Optional.empty());
        });
    }

    /** @return true when the page filled up before the walk ended */
    private boolean walk(FileObject folder, String path, String prefix, String after, int pageSize, List<ObjectInfo> out)
            throws FileSystemException {
        folder.refresh(); // the root object lives as long as the target: list what is there now
        FileObject[] children = folder.getChildren();
        Arrays.sort(children, Comparator.comparing(c -> c.getName().getBaseName()));
        for (FileObject listed : children) {
            String name = VfsNames.listed(listed.getName().getBaseName(), webdav);
            String key = path.isEmpty() ? name : path + "/" + name;
            if (path.isEmpty() && name.equals(TEMP)) {
                continue;
            }
            FileObject child = listed;
            FileType type = child.getType();
            if (type != FileType.FOLDER && type != FileType.FILE) {
                // VFS could not name it back (WebDAV names beyond ASCII): ask for it by its real name;
                // still nothing is the folder itself, which some servers list among its children
                child = folder.resolveFile(VfsNames.escape(name, webdav));
                type = child.getType();
                if (type != FileType.FOLDER && type != FileType.FILE) {
                    continue;
                }
            }
            if (type == FileType.FOLDER) {
                String inside = key + "/";
                boolean mayMatch = inside.startsWith(prefix) || prefix.startsWith(inside);
                boolean mayFollow = after.isEmpty() || (inside + "\uffff").compareTo(after) > 0;
                if (mayMatch && mayFollow && walk(child, key, prefix, after, pageSize, out)) {
                    return true;
                }
            } else if (key.startsWith(prefix) && key.compareTo(after) > 0) {
                if (out.size() == pageSize) {
                    return true;
                }
                out.add(info(key, child));
            }
        }
        return false;
    }

    /**
     * Removes temporaries last written before {@code before} (at open, {@link #ABANDONED} ago); best
     * effort.
     *
     * @return the bytes freed
     */
    private long cleanUp(Instant before) {
        long freed = 0;
        try {
            FileObject temps = root.resolveFile(TEMP);
            if (!temps.exists()) {
                return 0;
            }
            for (FileObject t : temps.getChildren()) {
                if (t.getContent().getLastModifiedTime() < before.toEpochMilli()) {
                    long size = t.getContent().getSize();
                    if (deleteQuietly(t)) {
                        freed += size;
                    }
                }
            }
        } catch (FileSystemException e) {
            LOG.debug("{}: cannot look for abandoned temporaries: {}", settings, e.getMessage());
        }
        return freed;
    }

    /** Every temporary: under the exclusive lock nothing is uploading. */
    @Override
    public long removeInterruptedUploads() {
        return cleanUp(Instant.now().plus(java.time.Duration.ofDays(365)));
    }

    /** The server confirmed an upload but holds fewer bytes: transient, nothing was published. */
    static final class ShortUpload extends TargetUnavailableException {
        ShortUpload(String message) {
            super(message, null);
        }
    }

    /** Creates a folder (and its parents) unless present; another writer creating it at the same moment is fine. */
    private static void ensureFolder(FileObject folder) throws FileSystemException {
        if (folder == null || folder.exists()) {
            return;
        }
        try {
            folder.createFolder();
        } catch (FileSystemException e) {
            folder.refresh();
            if (folder.getType() != FileType.FOLDER) {
                throw e;
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    /** @return whether it was removed */
    private boolean deleteQuietly(FileObject f) {
        try {
            return f.exists() && f.delete();
        } catch (FileSystemException e) {
            LOG.debug("{}: cannot remove {} (the next clean-up will): {}", settings, f.getName().getBaseName(),
                    e.getMessage());
            return false;
        }
    }

    /** The FTP server's own SHA-256 of a stored object ({@code HASH}), where it offers one. */
    @Override
    public Checksums hashOnServer(String key) {
        if (hashes == null) {
            return StorageTarget.super.hashOnServer(key);
        }
        return call("hash " + key, () -> Checksums.sha256(hashes.sha256(file(key).getName().getPath())));
    }

    @Override
    public void close() {
        if (hashes != null) {
            hashes.close();
        }
        manager.close();
    }
}
