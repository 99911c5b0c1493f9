package dev.heirloom.browse;

import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what one target holds for one source: its snapshots, their files, one file's bytes.
 * Every tree is checked against its hash as it is read (a corrupt one is a
 * {@link ChecksumMismatchException}), and file content is checked as it is streamed. Takes no
 * lock: a prune running meanwhile may remove what an old snapshot named, which then reads as
 * missing.
 */
public final class SnapshotBrowser {
    /** The name of the newest snapshot of the source, wherever a snapshot is named. */
    public static final String LATEST = "latest";

    private final Repository repo;
    private final String source;

    /**
     * @param repo   the target's repository
     * @param source the source label whose snapshots {@link #LATEST}, {@link #snapshots()} and
     *               {@link #find} mean
     */
    public SnapshotBrowser(Repository repo, String source) {
        this.repo = repo;
        this.source = source;
    }

    /**
     * The snapshot a user named: {@code latest} (or nothing) for the newest of the source, else a
     * snapshot id or a unique prefix of one (at least 4 characters).
     *
     * @throws StorageException         when there is no such snapshot (an {@link ObjectNotFoundException}
     *                                  for an id no snapshot has)
     * @throws IllegalArgumentException when the prefix is too short or ambiguous
     */
    public Snapshot snapshot(String ref) {
        if (ref == null || ref.isBlank() || ref.equals(LATEST)) {
            return latest().orElseThrow(() -> new StorageException("there is no snapshot of " + source + " yet"));
        }
        return repo.snapshot(ref);
    }

    /** The newest snapshot of the source, usually in one read however long the history; empty when there is none. */
    public java.util.Optional<Snapshot> latest() {
        return repo.latest(source);
    }

    /** The source's snapshots, oldest first (every snapshot file is read). */
    public List<Snapshot> snapshots() {
        return repo.snapshots().stream().filter(s -> s.source().equals(source)).toList();
    }

    /**
     * Every file and folder at or below {@code path}, depth first, in name order, a folder before
     * what it holds; {@code ""} lists the whole snapshot, a path naming a file gives that file.
     *
     * @throws IllegalArgumentException when the snapshot holds nothing at {@code path}
     * @throws StorageException         when a tree on the way cannot be read (its message names it)
     */
    public void list(Snapshot snapshot, String path, Consumer<SnapshotEntry> each) {
        String clean = clean(path);
        if (clean.isEmpty()) {
            walk(snapshot.root(), "", each);
            return;
        }
        SnapshotEntry found = entry(snapshot, clean);
        each.accept(found);
        if (found.entry().isDir()) {
            walk(found.entry().tree(), clean, each);
        }
    }

    /**
     * The entry at {@code path}.
     *
     * @throws IllegalArgumentException when the snapshot holds nothing there
     */
    public SnapshotEntry entry(Snapshot snapshot, String path) {
        String clean = clean(path);
        if (clean.isEmpty()) {
            throw new IllegalArgumentException("give the path of a file or folder in the snapshot");
        }
        String tree = snapshot.root();
        String[] parts = clean.split("/");
        String at = "";
        for (int i = 0; i < parts.length; i++) {
            at = at.isEmpty() ? parts[i] : at + "/" + parts[i];
            TreeEntry e = read(tree, at).entry(parts[i]).orElseThrow(() ->
                    new IllegalArgumentException("snapshot " + snapshot.id().substring(0, 8) + " holds no " + clean));
            if (i == parts.length - 1) {
                return new SnapshotEntry(clean, e);
            }
            if (!e.isDir()) {
                throw new IllegalArgumentException("snapshot " + snapshot.id().substring(0, 8) + " holds no " + clean
                        + " (" + at + " is a file)");
            }
            tree = e.tree();
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * Opens a file of a snapshot. The stream checks the bytes against the file's SHA-256 and size:
     * its last read throws an {@link IOException} when they differ, so a caller that reads to the
     * end never takes damaged bytes for the file.
     *
     * @throws IllegalArgumentException when the path is not a file of the snapshot
     * @throws ObjectNotFoundException  when its content is missing from the target
     */
    public InputStream open(Snapshot snapshot, String path) {
        SnapshotEntry found = entry(snapshot, path);
        if (!found.entry().isFile()) {
            throw new IllegalArgumentException(found.path() + " is a folder of snapshot " + snapshot.id().substring(0, 8)
                    + ", not a file");
        }
        return new CheckedContent(repo.objects().open(found.entry().content()), found);
    }

    /**
     * The files whose name (a pattern without {@code /}) or path (with one) matches a glob, in
     * every snapshot of the source: {@code IMG_0001.jpg}, {@code *.heic}, {@code 2019/**}.
     *
     * @param unreadable told of each folder that could not be read (its files are not searched)
     * @return the matching paths in name order, each with the snapshots that hold it
     */
    public List<FileVersions> find(String pattern, Consumer<String> unreadable) {
        boolean byPath = pattern.contains("/");
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Map<String, List<FileVersions.Version>> found = new java.util.TreeMap<>(Tree.NAME_ORDER);
        ReferencedObjects.everyPath(repo).walk(snapshots(), new ReferencedObjects.Visitor() {
            @Override
            public void file(TreeEntry file, Snapshot s, String path) {
                if (glob.matches(Path.of(byPath ? path : file.name()))) {
                    found.computeIfAbsent(path, p -> new ArrayList<>()).add(new FileVersions.Version(s, file));
                }
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                // the file entry is what is looked for
            }

            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot s, String path) {
                unreadable.accept(s.id() + ":" + (path.isEmpty() ? "/" : path) + " (" + error.getMessage() + ")");
            }
        });
        List<FileVersions> out = new ArrayList<>();
        found.forEach((path, versions) -> out.add(new FileVersions(path, List.copyOf(versions))));
        return out;
    }

    /**
     * Compares two snapshots file by file; folders whose trees are the same are not read.
     *
     * @throws StorageException when a tree cannot be read
     */
    public SnapshotDiff diff(Snapshot from, Snapshot to) {
        Differ d = new Differ();
        d.compare(from.root(), to.root(), "");
        return new SnapshotDiff(from.id(), to.id(), List.copyOf(d.added), List.copyOf(d.removed), List.copyOf(d.modified),
                List.copyOf(d.suspect));
    }

    /** Two snapshots' trees side by side; entries are in {@link Tree#NAME_ORDER}, so one merge pass per folder. */
    private final class Differ {
        final List<SnapshotEntry> added = new ArrayList<>();
        final List<SnapshotEntry> removed = new ArrayList<>();
        final List<SnapshotDiff.Change> modified = new ArrayList<>();
        final List<SnapshotDiff.Change> suspect = new ArrayList<>();

        void compare(String a, String b, String path) {
            if (a.equals(b)) {
                return;
            }
            List<TreeEntry> left = read(a, path).entries();
            List<TreeEntry> right = read(b, path).entries();
            int i = 0;
            int j = 0;
            while (i < left.size() || j < right.size()) {
                int order = i == left.size() ? 1 : j == right.size() ? -1
                        : Tree.NAME_ORDER.compare(left.get(i).name(), right.get(j).name());
                if (order < 0) {
                    all(left.get(i++), path, removed::add);
                } else if (order > 0) {
                    all(right.get(j++), path, added::add);
                } else {
                    both(left.get(i++), right.get(j++), path);
                }
            }
        }

        void both(TreeEntry was, TreeEntry is, String path) {
            String child = join(path, is.name());
            if (was.isDir() && is.isDir()) {
                compare(was.tree(), is.tree(), child);
            } else if (was.isFile() && is.isFile()) {
                SnapshotDiff.Change c = new SnapshotDiff.Change(new SnapshotEntry(child, was), new SnapshotEntry(child, is));
                boolean sameStamp = was.size() == is.size() && was.mtime().equals(is.mtime());
                if (is.suspect() != null && !is.suspect().equals(was.suspect())) {
                    // a rehash found other bytes under the same size and time: the good version is kept
                    suspect.add(c);
                } else if (!was.content().equals(is.content())) {
                    (sameStamp ? suspect : modified).add(c);
                }
            } else {
                all(was, path, removed::add);
                all(is, path, added::add);
            }
        }

        void all(TreeEntry e, String path, Consumer<SnapshotEntry> into) {
            String child = join(path, e.name());
            if (e.isDir()) {
                walk(e.tree(), child, x -> {
                    if (x.entry().isFile()) {
                        into.accept(x);
                    }
                });
            } else if (e.isFile()) {
                into.accept(new SnapshotEntry(child, e));
            }
        }
    }

    /**
     * Counts the source's snapshots, their file entries and the distinct objects they name.
     *
     * @param unreadable told of each folder that could not be read (its files are not counted)
     */
    public RepositoryStats stats(Consumer<String> unreadable) {
        List<Snapshot> all = snapshots();
        long[] versions = new long[2];
        Map<String, Long> objects = new HashMap<>();
        ReferencedObjects.everyPath(repo).walk(all, new ReferencedObjects.Visitor() {
            @Override
            public void file(TreeEntry file, Snapshot s, String path) {
                versions[0]++;
                versions[1] += file.size();
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                objects.putIfAbsent(ref.hash(), ref.size());
            }

            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot s, String path) {
                unreadable.accept(s.id() + ":" + (path.isEmpty() ? "/" : path) + " (" + error.getMessage() + ")");
            }
        });
        Snapshot latest = all.isEmpty() ? null : all.get(all.size() - 1);
        return new RepositoryStats(all.size(), latest == null ? 0 : latest.files(), latest == null ? 0 : latest.bytes(),
                versions[0], versions[1], objects.size(),
                objects.values().stream().mapToLong(size -> repo.objects().storedSize(size)).sum());
    }

    /** Every entry below a tree, depth first in name order, a folder before its contents. */
    private void walk(String tree, String path, Consumer<SnapshotEntry> each) {
        for (TreeEntry e : read(tree, path).entries()) {
            String child = join(path, e.name());
            each.accept(new SnapshotEntry(child, e));
            if (e.isDir()) {
                walk(e.tree(), child, each);
            }
        }
    }

    /** A tree, its failure naming the folder it is. */
    private Tree read(String hash, String path) {
        try {
            return repo.trees().get(hash);
        } catch (ObjectNotFoundException e) {
            throw new ObjectNotFoundException("the folder listing of " + (path.isEmpty() ? "/" : path) + " (tree " + hash
                    + "); 'heirloom repair' can rewrite it from another copy");
        } catch (StorageException e) {
            throw new StorageException("the folder listing of " + (path.isEmpty() ? "/" : path) + " cannot be read: "
                    + e.getMessage() + "; 'heirloom repair' can rewrite it from another copy", e);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }

    private static String clean(String path) {
        return path == null ? "" : path.replaceAll("^/+|/+$", "").replaceAll("/+", "/");
    }

    /** Content that proves itself at its end: the bytes must have the entry's size and SHA-256. */
    private static final class CheckedContent extends dev.heirloom.spi.DigestingInputStream {
        private final SnapshotEntry file;
        private boolean checked;

        CheckedContent(InputStream in, SnapshotEntry file) {
            super(in, MultiDigest.sha256Only());
            this.file = file;
        }

        @Override
        protected void afterRead(int n) throws IOException {
            if (n < 0 && !checked) {
                checked = true;
                String hash = digest().finish().get(dev.heirloom.spi.ChecksumAlgorithm.SHA256).orElseThrow();
                if (digest().length() != file.entry().size() || !hash.equals(file.entry().content())) {
                    throw new IOException("the stored copy of " + file.path() + " is damaged (" + digest().length()
                            + " bytes hashing to " + hash + ", expected " + file.entry().size() + " bytes, "
                            + file.entry().content() + "); do not use the bytes read, restore it from another target");
                }
            }
        }
    }
}
