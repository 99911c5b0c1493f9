package dev.heirloom.provider.local;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.FolderListing;
import dev.heirloom.spi.LimitedInputStream;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.SparseFileWriter;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A repository in a local folder. Writes go to a temporary file in the destination folder, are
 * flushed, verified, then published with {@code link(2)} (create-if-absent: fails if the name
 * exists) or an atomic rename (replace); the folders that received new names are flushed by
 * {@link #flush()}, which core calls before and after each snapshot. Where the file system can be
 * synced as a whole ({@link FileSystemSync}), {@linkplain WriteOptions#groupCommit() group-committed}
 * objects skip the flush of their own: {@link GroupCommit} makes thousands durable with one sync
 * before naming them. On file systems without hard links (FAT, exFAT) if-absent falls back to a
 * non-atomic check-then-rename and {@link Capabilities#conditionalCreate()} says so.
 */
final class LocalTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
    static final String TEMP_PREFIX = TemporaryFiles.PREFIX;
    private static final String STAGE_PREFIX = TemporaryFiles.STAGE_PREFIX;
    private static final int BUFFER = 1 << 20;

    private final Path root;
    private final boolean fsync;
    private final Capabilities capabilities;
    private final boolean hardLinks;
    private final Folders folders;
    /** Whether the folder could not be written when opened (a read-only medium, mount or account). */
    private final boolean readOnly;
    /** Commits new objects together; null where each is flushed on its own. */
    private final GroupCommit group;

    private LocalTarget(Path root, boolean fsync, int concurrency, boolean hardLinks, boolean readOnly,
                        Function<Path, Optional<FileSystemSync>> syncOf, GroupCommit.Limits limits) {
        this.root = root;
        this.fsync = fsync;
        this.hardLinks = hardLinks;
        this.readOnly = readOnly;
        this.folders = new Folders(root, fsync);
        this.capabilities = Capabilities.builder().conditionalCreate(hardLinks).atomicReplace(true).rangeRead(true)
                .maxConcurrency(concurrency).staging(true).build();
        this.group = syncOf == null ? null
                : new GroupCommit(root, () -> syncOf.apply(root), this::publishPending, limits, java.time.Clock.systemUTC());
    }

    /**
     * @param syncOf opens the whole-file-system sync for the repository's root, at the first new
     *               object (empty where it is not known to be durable); null to flush each object on
     *               its own. Used with {@code fsync} only: without it nothing is flushed
     */
    static LocalTarget open(Path folder, boolean fsync, int concurrency, Function<Path, Optional<FileSystemSync>> syncOf,
                            GroupCommit.Limits limits) {
        Path root = folder.toAbsolutePath().normalize();
        Path parent = root.getParent();
        if (!Files.isDirectory(root)) {
            if (parent == null || !Files.isDirectory(parent)) {
                throw new TargetUnavailableException("folder " + parent + " does not exist (is the disk mounted?); "
                        + "create it to use " + root, null);
            }
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw LocalErrors.classify("cannot create " + root, e, root);
            }
        }
        if (!Files.isWritable(root)) {
            // a disk remounted read-only after an error, a write-protected offsite disk, an archive
            // medium: everything that only reads (status, snapshots, verify, restore) still works
            LOG.info("{} is read-only: it can be read, not written", root);
            return new LocalTarget(root, fsync, concurrency, false, true, null, limits);
        }
        Instant dayAgo = Instant.now().minus(Duration.ofDays(1));
        TemporaryFiles.removeStaged(root, dayAgo);
        // nothing is flushed without fsync, so nothing is gained by grouping
        return new LocalTarget(root, fsync, concurrency, probeHardLinks(root), false, fsync ? syncOf : null, limits);
    }

    /** Refuses a write at once on a folder opened read-only, saying why. */
    private void checkWritable(String what) {
        if (readOnly) {
            throw new AuthenticationException("cannot " + what + ": folder " + root + " is read-only (a read-only "
                    + "medium or mount, or no permission to write); it can be read, not written", null);
        }
    }

    private static boolean probeHardLinks(Path root) {
        Path a = root.resolve(TEMP_PREFIX + "probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Path b = root.resolve(a.getFileName() + "-link");
        try {
            Files.createFile(a);
            Files.createLink(b, a);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("{} has no hard links ({}); create-if-absent is check-then-rename there", root, e.getMessage());
            return false;
        } finally {
            TemporaryFiles.deleteQuietly(b);
            TemporaryFiles.deleteQuietly(a);
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    private Path path(String key) {
        ObjectKeys.check(key);
        for (String segment : key.split("/")) {
            if (segment.startsWith(TEMP_PREFIX)) {
                throw new IllegalArgumentException("object key segments may not start with " + TEMP_PREFIX);
            }
        }
        return root.resolve(key);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path p = path(key);
        if (group != null) {
            Optional<GroupCommit.Pending> pending = group.pending(key);
            if (pending.isPresent()) {
                return Optional.of(ObjectInfo.of(key, pending.get().size(), Optional.of(pending.get().modified()),
                        Checksums.none()));
            }
        }
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(ObjectInfo.of(key, a.size(), Optional.of(a.lastModifiedTime().toInstant()), Checksums.none()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw LocalErrors.classify("cannot stat " + key, e, root);
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Path p = path(key);
        try {
            if (group != null) {
                Optional<GroupCommit.Pending> pending = group.pending(key);
                if (pending.isPresent()) {
                    try {
                        return open(pending.get().temp(), offset, length);
                    } catch (NoSuchFileException committed) {
                        // named meanwhile: read it under its name
                    }
                }
            }
            if (Files.isDirectory(p)) {
                throw new ObjectNotFoundException(key);
            }
            return open(p, offset, length);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, e);
        } catch (IOException e) {
            throw LocalErrors.classify("cannot read " + key, e, root);
        }
    }

    private static InputStream open(Path p, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        return length < 0 ? in : new LimitedInputStream(in, length);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("a local folder");
        checkWritable("write " + key);
        Path target = path(key);
        Path dir = target.getParent();
        if (options.ifAbsent() && (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                || (group != null && group.pending(key).isPresent()))) {
            throw new ObjectExistsException(key);
        }
        if (group != null && options.groupCommit() && group.ready()) {
            return writeGrouped(key, content, options, target);
        }
        Path tmp = dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            folders.in(dir, () -> copyVerified(key, content, options.expected(), tmp, fsync));
            return publish(key, tmp, target, options.ifAbsent(), content.size());
        } catch (IOException e) {
            throw LocalErrors.classify("cannot write " + key, e, root);
        } finally {
            TemporaryFiles.deleteQuietly(tmp);
        }
    }

    /**
     * Writes the object to a temporary file of the current batch, unflushed; {@link GroupCommit}
     * names it once the batch is durable.
     */
    private ObjectInfo writeGrouped(String key, ContentSource content, WriteOptions options, Path target) {
        Path dir = target.getParent();
        Path tmp = group.newTemp(dir);
        boolean added = false;
        try {
            folders.in(dir, () -> copyVerified(key, content, options.expected(), tmp, false));
            Instant modified = Files.getLastModifiedTime(tmp).toInstant();
            added = group.add(new GroupCommit.Pending(key, tmp, target, content.size(), modified));
            if (!added) {
                throw new ObjectExistsException(key);
            }
            return ObjectInfo.of(key, content.size(), Optional.of(modified), Checksums.none());
        } catch (IOException e) {
            throw LocalErrors.classify("cannot write " + key, e, root);
        } finally {
            if (!added) {
                TemporaryFiles.deleteQuietly(tmp);
            }
        }
    }

    /** Names a durable temporary file of a batch; false when the name exists (the same content: its hash). */
    private boolean publishPending(GroupCommit.Pending p) throws IOException {
        try {
            folders.in(p.target().getParent(), () -> publishIfAbsent(p.key(), p.temp(), p.target()));
            return true;
        } catch (ObjectExistsException e) {
            return false;
        }
    }

    /**
     * Gives a flushed temporary file its key: a link that fails when the name exists (if-absent) or
     * an atomic rename; the folder's new entry is flushed on the next {@link #flush()}. The
     * temporary name may remain (after a link); the caller removes it.
     */
    private ObjectInfo publish(String key, Path tmp, Path target, boolean ifAbsent, long size) throws IOException {
        Path dir = target.getParent();
        if (ifAbsent) {
            publishIfAbsent(key, tmp, target);
        } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        folders.received(dir);
        return ObjectInfo.of(key, size, Optional.of(Files.getLastModifiedTime(target).toInstant()), Checksums.none());
    }

    /**
     * Copies the content to a temporary file in the repository's root (same file system, so
     * publishing is a link or rename), flushed to the disk like a written object.
     */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        checkWritable("stage " + stageName);
        Path tmp = root.resolve(STAGE_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            copyVerified(stageName, content, Checksums.none(), tmp, fsync);
        } catch (IOException e) {
            TemporaryFiles.deleteQuietly(tmp);
            throw LocalErrors.classify("cannot stage " + stageName, e, root);
        } catch (RuntimeException e) {
            TemporaryFiles.deleteQuietly(tmp);
            throw e;
        }
        return StagedObject.of(content.size(), (key, options) -> {
            options.refuseLock("a local folder");
            Path target = path(key);
            try {
                folders.ensure(target.getParent());
                ObjectInfo info = publish(key, tmp, target, options.ifAbsent(), content.size());
                TemporaryFiles.deleteQuietly(tmp);
                return info;
            } catch (IOException e) {
                throw LocalErrors.classify("cannot publish " + key, e, root);
            }
        }, () -> TemporaryFiles.deleteQuietly(tmp));
    }

    /** Every staged and temporary file: under the exclusive lock nothing else is writing. */
    @Override
    public long removeInterruptedUploads() {
        if (readOnly) {
            return 0;
        }
        Instant now = Instant.now().plusSeconds(1);
        return TemporaryFiles.removeStaged(root, now)
                + TemporaryFiles.removeAll(root, now, group == null ? Set.of() : group.pendingTemps());
    }

    private void copyVerified(String key, ContentSource content, Checksums expected, Path tmp, boolean force)
            throws IOException {
        WriteVerifier verifier = new WriteVerifier(key, content, expected);
        // runs of zeros (a sparse disk image, a pre-allocated recording) are stored as holes
        try (InputStream in = content.open(); SparseFileWriter out = new SparseFileWriter(tmp)) {
            byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(8192, content.size() + 1))];
            int n;
            while ((n = in.read(buffer)) > 0) {
                verifier.update(buffer, 0, n);
                out.write(buffer, 0, n);
                if (verifier.overflowed()) {
                    break;
                }
            }
            if (force) {
                out.force();
            }
        }
        verifier.verify();
    }

    private void publishIfAbsent(String key, Path tmp, Path target) throws IOException {
        try {
            if (hardLinks) {
                Files.createLink(target, tmp);
            } else {
                Files.move(tmp, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ObjectExistsException(key, e);
        }
    }

    /**
     * Flushes the folders that received objects since the last flush (their new entries), so a
     * snapshot is written only after the names of everything it references are on disk. File
     * contents are flushed per object before they are published, or per batch (group commit: one
     * sync commits the batch, a second its names and every folder).
     */
    @Override
    public void flush() {
        if (!fsync || readOnly) {
            return;
        }
        if (group != null && group.inUse()) {
            folders.synced();
            group.commitDurably();
            return;
        }
        folders.flush();
    }

    @Override
    public void delete(String key) {
        checkWritable("delete " + key);
        if (group != null) {
            group.discard(key);
        }
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw LocalErrors.classify("cannot delete " + key, e, root);
        }
    }

    @Override
    public ListPage list(String prefix, Optional<String> pageToken, int pageSize) {
        try {
            return FolderListing.page(this::listFolder, prefix, pageToken, pageSize);
        } catch (IOException e) {
            throw LocalErrors.classify("cannot list " + prefix, e, root);
        }
    }

    private List<FolderListing.Entry> listFolder(String folderKey) throws IOException {
        List<FolderListing.Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folderKey.isEmpty() ? root : root.resolve(folderKey))) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isDirectory() || a.isRegularFile()) {
                        entries.add(new FolderListing.Entry(name, a.isDirectory(), a.size(),
                                Optional.of(a.lastModifiedTime().toInstant())));
                    }
                } catch (NoSuchFileException gone) {
                    // deleted while listing
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return entries;
    }

    @Override
    public void close() {
        if (group != null) {
            group.close();
        }
    }
}
