package dev.heirloom.provider.vfs;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.LimitedInputStream;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A repository in a folder reached through Commons VFS. Keys are files under the folder; writes go
 * through {@link VfsUploads} (a temporary, checked, then renamed to its key). Commons VFS can
 * neither refuse an existing name atomically nor swap a file in one step, so the capabilities say
 * so: create-if-absent is check-then-act and a replace may leave a moment with no object, never a
 * partial one.
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
    private final VfsUploads uploads;
    /** An FTP server's own SHA-256 of a file ({@code HASH}); null where the server offers none. */
    private final FtpHashes hashes;

    private VfsTarget(DefaultFileSystemManager manager, FileObject root, VfsSettings settings, SSLContext tls,
                      FtpHashes hashes) {
        this.manager = manager;
        this.root = root;
        this.settings = settings;
        this.webdav = settings.protocol().startsWith("webdav");
        this.hashes = hashes;
        this.uploads = new VfsUploads(root, settings, webdav ? new WebdavPut(settings, tls) : null, hashes);
        this.capabilities = Capabilities.builder().conditionalCreate(false).atomicReplace(false).rangeRead(true)
                .maxConcurrency(settings.concurrency())
                .serverHashing(hashes != null)
                // not over FTPS: an upload there now and then arrives short (see VfsUploads.ShortUpload), and staged
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
            target.uploads.cleanUp(Instant.now().minus(ABANDONED));
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

    /** What {@link #stat} says of an existing file. */
    static ObjectInfo info(String key, FileObject f) throws FileSystemException {
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
        return call("write " + key, () -> uploads.write(key, file(key), content, options));
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
        FileObject temp = call("stage " + stageName, false, () -> uploads.stage(stageName, content));
        return StagedObject.of(content.size(), (key, options) -> {
            options.refuseLock("an FTP or WebDAV server");
            return call("publish " + key, () -> uploads.publish(key, file(key), temp, content.size(), options));
        }, () -> uploads.deleteQuietly(temp));
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

    /** Every temporary: under the exclusive lock nothing is uploading. */
    @Override
    public long removeInterruptedUploads() {
        return uploads.cleanUp(Instant.now().plus(java.time.Duration.ofDays(365)));
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
