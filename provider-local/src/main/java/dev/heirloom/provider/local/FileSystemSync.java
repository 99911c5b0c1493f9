package dev.heirloom.provider.local;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Makes everything written to one file system durable with a single {@code syncfs(2)} call (Linux),
 * instead of one {@code fsync} per file: the file system commits its journal once for thousands of
 * new files. Offered only where {@code syncfs} is known to reach the disk: local block-device file
 * systems. Not on FUSE (an NTFS disk through ntfs-3g, sshfs), where the kernel passes a per-file
 * fsync to the file system's daemon but not a syncfs, nor on network file systems.
 */
final class FileSystemSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemSync.class);
    /** File systems whose syncfs writes every dirty page and commits their journal (Files.getFileStore(..).type()). */
    static final Set<String> SUPPORTED = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "vfat",
            "msdos", "exfat", "ntfs3", "zfs", "tmpfs", "overlay");
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;

    /** The C library calls used; JNA binds them. */
    public interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int syncfs(int fd) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final LibC libc;
    private final Path folder;
    private int fd;

    private FileSystemSync(LibC libc, Path folder, int fd) {
        this.libc = libc;
        this.folder = folder;
        this.fd = fd;
    }

    /**
     * A sync of the file system holding {@code folder}, or empty when this platform or file system
     * offers none that is known to be durable (the caller then flushes each file).
     */
    static Optional<FileSystemSync> open(Path folder) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        try {
            return open(folder, Files.getFileStore(folder).type());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** As {@link #open(Path)}, for a folder on a file system of the given type (Linux). */
    static Optional<FileSystemSync> open(Path folder, String type) {
        if (!SUPPORTED.contains(type)) {
            LOG.info("{} is on {}: new objects are flushed one by one (a whole-file-system sync is not known to "
                    + "be durable there)", folder, type);
            return Optional.empty();
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            int fd = libc.open(folder.toString(), O_RDONLY | O_CLOEXEC);
            return Optional.of(new FileSystemSync(libc, folder, fd));
        } catch (LastErrorException e) {
            LOG.info("cannot open {} for syncfs (errno {}): new objects are flushed one by one", folder, e.getErrorCode());
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            // JNA's native part could not load (a read-only or noexec temporary folder, an unusual platform)
            LOG.info("syncfs is not available ({}): new objects are flushed one by one", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Writes every dirty page and metadata change of the file system to the disk and waits for it.
     *
     * @throws IOException when the kernel reports a write error on the file system since the last
     *                     call (a bad sector, a disk pulled out): something written may be lost
     */
    synchronized void sync() throws IOException {
        if (fd < 0) {
            throw new IOException("closed");
        }
        try {
            libc.syncfs(fd);
        } catch (LastErrorException e) {
            throw new IOException("syncfs of the file system holding " + folder + " failed (errno " + e.getErrorCode()
                    + (e.getErrorCode() == 5 ? ", an I/O error" : e.getErrorCode() == 28 ? ", no space left" : "") + ")", e);
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                libc.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("cannot close the syncfs handle of {}: errno {}", folder, e.getErrorCode());
            }
            fd = -1;
        }
    }
}
