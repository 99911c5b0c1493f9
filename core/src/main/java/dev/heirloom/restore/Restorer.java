package dev.heirloom.restore;

import dev.heirloom.spi.MultiDigest;
import dev.heirloom.repository.FileName;
import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.SparseFileWriter;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
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
 *
 * <p>Given several copies (targets, in order of preference), each folder listing and each file
 * comes from the first copy that gives it intact: a copy that lacks an object, holds damaged
 * bytes, or fails to read is passed over for the next one, and the report names which copy
 * served each file that did not come from the first. A copy that turns out unreachable is not
 * asked again in the same restore.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    /**
     * One copy to restore from.
     *
     * @param target the target's name, as reports name it
     * @param repo   its repository
     */
    public record Copy(String target, Repository repo) {
    }

    private final List<Copy> copies;
    private final java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, AtomicLong> servedBy = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> fallbacks = Collections.synchronizedList(new ArrayList<>());
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

    /** Restores from one repository (reports name it {@code ""}). */
    public Restorer(Repository repo, RestoreOptions options) {
        this(List.of(new Copy("", repo)), options);
    }

    /**
     * Restores from the first copy that gives each folder listing and file intact.
     *
     * @param copies at least one, in order of preference
     */
    public Restorer(List<Copy> copies, RestoreOptions options) {
        if (copies.isEmpty()) {
            throw new IllegalArgumentException("nothing to restore from");
        }
        this.copies = List.copyOf(copies);
        copies.forEach(c -> servedBy.put(c.target(), new AtomicLong()));
        this.options = options;
        this.glob = options.pathGlob().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).orElse(null);
    }

    private dev.heirloom.progress.OperationProgress progress = dev.heirloom.progress.OperationProgress.NONE;

    /** Restores the snapshot; problems with single files are in the report, not thrown. */
    public RestoreReport restore(Snapshot snapshot) {
        return restore(snapshot, dev.heirloom.progress.OperationProgress.NONE);
    }

    /**
     * As {@link #restore(Snapshot)}, telling {@code progress} how far it has come (the total is the
     * snapshot's files and bytes when the whole snapshot is restored).
     */
    public RestoreReport restore(Snapshot snapshot, dev.heirloom.progress.OperationProgress progress) {
        this.progress = progress;
        if (glob == null) {
            progress.total(snapshot.files(), snapshot.bytes());
        }
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
        java.util.Map<String, Long> served = new java.util.LinkedHashMap<>();
        copies.forEach(c -> served.put(c.target(), servedBy.get(c.target()).get()));
        return new RestoreReport(snapshot.id(), files.get(), bytes.get(), skipped.get(), refused, failed, served,
                fallbacks);
    }

    /** Walks the snapshot with the repository's one walk, restoring files as their entries come. */
    private void walk(Snapshot snapshot, ExecutorService pool, Semaphore inFlight) {
        ReferencedObjects.everyPath(this::tree).walk(snapshot, new ReferencedObjects.Visitor() {
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
                        progress.done(1, entry.size());
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
        List<String> passedOver = new ArrayList<>();
        boolean noted = false;
        for (Copy copy : copies) {
            if (down.contains(copy.target())) {
                // said once, when it was found unreachable
                passedOver.add(name(copy) + ": not reachable");
                continue;
            }
            String problem = restoreFrom(copy, entry, target, rel);
            if (problem == null) {
                servedBy.get(copy.target()).incrementAndGet();
                if (noted) {
                    fallbacks.add(printable(rel) + ": from " + name(copy) + " (" + String.join("; ", passedOver) + ")");
                }
                return;
            }
            if (problem.isEmpty()) {
                // settled without bytes (it already existed)
                return;
            }
            passedOver.add((copies.size() == 1 ? "" : name(copy) + ": ") + problem);
            noted = true;
        }
        failed.add(printable(rel) + ": " + String.join("; ", passedOver)
                + (copies.size() == 1 ? "; restore it from another target" : "; no copy could give it back"));
    }

    /**
     * Restores one file from one copy.
     *
     * @return null when restored; "" when it was left alone (it exists); else what went wrong
     *         with this copy (nothing is written then)
     */
    private String restoreFrom(Copy copy, TreeEntry entry, Path target, String rel) {
        // a short name of its own: a name near the file system's 255-byte limit leaves no room to add to it
        Path tmp = target.resolveSibling(".heirloom-restore-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            MultiDigest digest = MultiDigest.sha256Only();
            try (InputStream in = copy.repo().objects().open(entry.content());
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
                return "the stored copy is corrupt (expected sha256 " + entry.content() + ", got " + actual + ")";
            }
            Files.setLastModifiedTime(tmp, FileTime.from(entry.mtime()));
            if (options.overwrite()) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, target);
            }
            files.incrementAndGet();
            bytes.addAndGet(entry.size());
            return null;
        } catch (FileAlreadyExistsException e) {
            skipped.incrementAndGet();
            deleteQuietly(tmp);
            return "";
        } catch (ObjectNotFoundException e) {
            deleteQuietly(tmp);
            return "missing";
        } catch (TargetUnavailableException e) {
            deleteQuietly(tmp);
            if (copies.size() > 1 && down.add(copy.target())) {
                LOG.warn("{} is not reachable ({}); the rest of the restore reads the other copies", name(copy), e.getMessage());
                fallbacks.add(name(copy) + ": became unreachable during the restore (" + e.getMessage()
                        + "); the files after it came from the other targets");
            }
            return e.getMessage();
        } catch (IOException | StorageException e) {
            deleteQuietly(tmp);
            return e.getMessage();
        }
    }

    /** A folder listing from the first copy that gives it intact (each copy checks the tree against its hash). */
    private dev.heirloom.repository.Tree tree(String hash, String path) {
        StorageException first = null;
        for (Copy copy : copies) {
            if (down.contains(copy.target())) {
                continue;
            }
            try {
                dev.heirloom.repository.Tree t = copy.repo().trees().get(hash);
                if (copy != copies.get(0) && first != null) {
                    fallbacks.add((path.isEmpty() ? "/" : printable(path)) + " (folder listing): from " + name(copy)
                            + " (" + first.getMessage() + ")");
                }
                return t;
            } catch (TargetUnavailableException e) {
                if (copies.size() > 1) {
                    down.add(copy.target());
                }
                first = first == null ? e : first;
            } catch (StorageException e) {
                first = first == null ? e : first;
            }
        }
        throw first != null ? first : new TargetUnavailableException("no copy is reachable", null);
    }

    private static String name(Copy copy) {
        return copy.target().isEmpty() ? "the target" : copy.target();
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
