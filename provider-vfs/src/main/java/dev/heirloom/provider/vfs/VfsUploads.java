package dev.heirloom.provider.vfs;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.UUID;

/**
 * How bytes reach a Commons VFS repository whole or not at all: each upload goes to a temporary
 * name under {@value VfsTarget#TEMP}/ (never listed), its size is checked on the server, its bytes
 * were hashed as they went (and compared with the FTP server's own SHA-256 where it offers one),
 * and only then is it renamed to its key (FTP RNFR/RNTO, WebDAV MOVE): check-then-act for
 * create-if-absent, as the target's capabilities say. Thread-safe.
 */
final class VfsUploads {
    private static final Logger LOG = LoggerFactory.getLogger(VfsUploads.class);

    private final FileObject root;
    private final VfsSettings settings;
    /** WebDAV uploads stream through the JDK's client (see WebdavPut); null for FTP. */
    private final WebdavPut webdavPut;
    /** An FTP server's own SHA-256 of a file ({@code HASH}); null where the server offers none. */
    private final FtpHashes hashes;

    VfsUploads(FileObject root, VfsSettings settings, WebdavPut webdavPut, FtpHashes hashes) {
        this.root = root;
        this.settings = settings;
        this.webdavPut = webdavPut;
        this.hashes = hashes;
    }

    /** Stores {@code content} as the object {@code key} (whose file is {@code dest}), as {@code StorageTarget.write} says. */
    ObjectInfo write(String key, FileObject dest, ContentSource content, WriteOptions options) throws IOException {
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
    }

    /** Uploads content to a temporary named after its stage name, for {@link #publish} once its key is known. */
    FileObject stage(String stageName, ContentSource content) throws IOException {
        return upload(stageName, "stage-" + stageName + "-" + UUID.randomUUID(), content, Checksums.none());
    }

    /**
     * Sends the content to a temporary name, hashing it as it goes, and checks its size there, and
     * its SHA-256 where the FTP server computes one.
     */
    private FileObject upload(String key, String tempName, ContentSource content, Checksums expected) throws IOException {
        FileObject temp = root.resolveFile(VfsTarget.TEMP + "/" + tempName);
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
                webdavPut.put("write " + key, VfsTarget.TEMP + "/" + tempName, content, verifier);
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
    ObjectInfo publish(String key, FileObject dest, FileObject temp, long size, WriteOptions options)
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
                    return VfsTarget.info(key, dest);
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
     * Removes temporaries last written before {@code before} (at open, {@link VfsTarget#ABANDONED} ago); best
     * effort.
     *
     * @return the bytes freed
     */
    long cleanUp(Instant before) {
        long freed = 0;
        try {
            FileObject temps = root.resolveFile(VfsTarget.TEMP);
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

    /** The server confirmed an upload but holds fewer bytes: transient, nothing was published. */
    static final class ShortUpload extends TargetUnavailableException {
        ShortUpload(String message) {
            super(message, null);
        }
    }

    /** Creates a folder (and its parents) unless present; another writer creating it at the same moment is fine. */
    static void ensureFolder(FileObject folder) throws FileSystemException {
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
    boolean deleteQuietly(FileObject f) {
        try {
            return f.exists() && f.delete();
        } catch (FileSystemException e) {
            LOG.debug("{}: cannot remove {} (the next clean-up will): {}", settings, f.getName().getBaseName(),
                    e.getMessage());
            return false;
        }
    }
}
