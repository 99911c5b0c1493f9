package dev.heirloom.restore;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.repository.FileName;
import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.SparseFileWriter;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a snapshot into a folder. Each file is written to a temporary name beside its final
 * place, checked against its SHA-256 while written, then moved into place and given its mtime.
 * Entries whose names are not a single plain segment, and folders that resolve outside the
 * destination (through a symbolic link), are refused and reported; nothing is written for them.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final Repository repo;
    private final RestoreOptions options;
    private final PathMatcher glob;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failed = Collections.synchronizedList(new ArrayList<>());
    private final List<Runnable> dirTimes = new ArrayList<>();
    private final java.util.Set<Path> verifiedDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Path realRoot;

    public Restorer(Repository repo, RestoreOptions options) {
        this.repo = repo;
        this.options = options;
        this.glob = options.pathGlob().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).orElse(null);
    }

    /** Restores the snapshot; problems with single files are in the report, not thrown. */
    public RestoreReport restore(Snapshot snapshot) {
        try {
            Path root = options.destination().toAbsolutePath().normalize();
            Files.createDirectories(root);
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new StorageException("cannot create the restore folder " + options.destination() + ": " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "heirloom-restore");
            t.setDaemon(true);
            return t;
        });
        int slots = options.threads() * 2;
        Semaphore inFlight = new Semaphore(slots);
        try {
            walk(snapshot, pool, inFlight);
            inFlight.acquireUninterruptibly(slots);
        } finally {
            pool.shutdownNow();
        }
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            dirTimes.get(i).run();
        }
        return new RestoreReport(snapshot.id(), files.get(), bytes.get(), skipped.get(), refused, failed);
    }

    /** Walks the snapshot with the repository's one walk, restoring files as their entries come. */
    private void walk(Snapshot snapshot, ExecutorService pool, Semaphore inFlight) {
        ReferencedObjects.everyPath(repo).walk(snapshot, new ReferencedObjects.Visitor() {
            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot s, String rel) {
                failed.add((rel.isEmpty() ? "/" : rel) + ": cannot read its folder listing: " + error.getMessage());
            }

            @Override
            public boolean folder(TreeEntry entry, Snapshot s, String rel) {
                if (!safe(entry, rel)) {
                    return false;
                }
                Path target = FileName.resolve(realRoot, rel);
                Instant mtime = entry.mtime();
                dirTimes.add(() -> {
                    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        setTime(target, mtime);
                    }
                });
                return true;
            }

            @Override
            public void file(TreeEntry entry, Snapshot s, String rel) {
                if (!safe(entry, rel)) {
                    return;
                }
                Path target = FileName.resolve(realRoot, rel);
                if (glob != null && !glob.matches(realRoot.relativize(target))) {
                    return;
                }
                inFlight.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        restoreFile(entry, target, rel);
                    } catch (RuntimeException e) {
                        failed.add(printable(rel) + ": " + e.getMessage());
                    } finally {
                        inFlight.release();
                    }
                });
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                // files are restored from their entries (the good version); suspect bytes stay in the repository
            }

            @Override
            public void badReference(String value, Snapshot s, String rel) {
                failed.add(printable(rel) + ": corrupt repository: '" + printable(value) + "' is not a SHA-256 reference");
            }
        });
    }

    /** Whether an entry's name is a single plain segment; anything else is refused and reported. */
    private boolean safe(TreeEntry entry, String rel) {
        if (isPlainName(entry.name(), realRoot.getFileSystem().getSeparator())) {
            return true;
        }
        refused.add(printable(rel) + ": unsafe name, would land outside the restore folder");
        LOG.warn("refused unsafe entry name {}", printable(rel));
        return false;
    }

    /**
     * Creates the folder and any missing parents one segment at a time below the restore root,
     * refusing any existing segment that is a symbolic link or not a folder, so nothing is ever
     * created or written outside the root.
     */
    private boolean ensureDirectory(Path dir, String rel) {
        Path current = realRoot;
        for (Path segment : realRoot.relativize(dir)) {
            current = current.resolve(segment);
            if (verifiedDirs.contains(current)) {
                continue;
            }
            synchronized (verifiedDirs) {
                if (verifiedDirs.contains(current)) {
                    continue;
                }
                try {
                    if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectory(current);
                    }
                    if (Files.isSymbolicLink(current) || !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                        refused.add(printable(rel) + ": " + realRoot.relativize(current)
                                + " exists and is a link or not a folder");
                        return false;
                    }
                } catch (IOException e) {
                    failed.add(printable(rel) + ": cannot create folder " + current + ": " + e.getMessage());
                    return false;
                }
                verifiedDirs.add(current);
            }
        }
        return true;
    }

    private void restoreFile(TreeEntry entry, Path target, String rel) {
        if (!ensureDirectory(target.getParent(), rel)) {
            return;
        }
        if (Files.isSymbolicLink(target)) {
            refused.add(printable(rel) + ": exists as a symbolic link; left alone");
            return;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !options.overwrite()) {
            skipped.incrementAndGet();
            return;
        }
        // a short name of its own: a name near the file system's 255-byte limit leaves no room to add to it
        Path tmp = target.resolveSibling(".heirloom-restore-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            MultiDigest digest = MultiDigest.sha256Only();
            try (InputStream in = repo.openObject(entry.content());
                 SparseFileWriter out = new SparseFileWriter(tmp)) {
                byte[] buffer = new byte[1 << 20];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String actual = digest.finish().get(ChecksumAlgorithm.SHA256).orElseThrow();
            if (digest.length() != entry.size() || !actual.equals(entry.content())) {
                Files.deleteIfExists(tmp);
                failed.add(printable(rel) + ": the stored copy is corrupt (expected sha256 " + entry.content() + ", got " + actual
                        + "); restore it from another target");
                return;
            }
            Files.setLastModifiedTime(tmp, FileTime.from(entry.mtime()));
            if (options.overwrite()) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, target);
            }
            files.incrementAndGet();
            bytes.addAndGet(entry.size());
        } catch (FileAlreadyExistsException e) {
            skipped.incrementAndGet();
            deleteQuietly(tmp);
        } catch (IOException | StorageException e) {
            failed.add(printable(rel) + ": " + e.getMessage());
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file has a name that marks it
        }
    }

    private static void setTime(Path p, Instant mtime) {
        try {
            Files.setLastModifiedTime(p, FileTime.from(mtime));
        } catch (IOException e) {
            LOG.debug("cannot set the time of {}: {}", p, e.getMessage());
        }
    }

    /**
     * A single path segment that cannot climb out: not empty, not . or .., no {@code /}, no NUL, and
     * no separator of the file system restored to (a backslash is a plain character on Linux and
     * macOS, a separator on Windows).
     */
    static boolean isPlainName(String name, String separator) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0 && !name.contains(separator);
    }

    private static String printable(String s) {
        return FileName.readable(s).replaceAll("\\p{Cntrl}", "?");
    }
}
