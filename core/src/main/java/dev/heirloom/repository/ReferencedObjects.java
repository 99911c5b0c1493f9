package dev.heirloom.repository;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;

import java.util.HashSet;
import java.util.Set;

/**
 * The one walk over what snapshots reference: every tree under their roots and every object a
 * file entry names. Verify, prune, repair and restore all see the same entries through it, with one rule for a
 * file whose content is suspected of bit rot: its {@code suspect} object is referenced too
 * (verified, kept by prune, found by its {@code snapshot:path}).
 *
 * <p>Trees are read one folder at a time, so memory grows with folder depth, plus the set of tree
 * hashes already walked when the walk {@linkplain #distinct(Repository) skips repeats}. A tree that cannot be
 * read is reported and its folder not entered; the walk goes on.
 */
public final class ReferencedObjects {
    /**
     * An object a file entry names.
     *
     * @param hash     its SHA-256
     * @param size     its size as recorded
     * @param recorded the checksums recorded at backup (only the SHA-256 for a suspect object)
     * @param suspect  whether it is the suspect content kept beside a file's last good version
     * @param snapshot the snapshot it was met in
     * @param path     the file's path in that snapshot
     */
    public record ObjectRef(String hash, long size, Checksums recorded, boolean suspect, Snapshot snapshot,
                            String path) {
        /** {@code <snapshot id>:<path>}, how reports name the file. */
        public String where() {
            return snapshot.id() + ":" + path;
        }
    }

    /** What the walk meets; every method but {@link #object} does nothing by default. */
    public interface Visitor {
        /** A tree that was read and checked against its hash. */
        default void tree(String hash, Snapshot snapshot, String path) {
        }

        /**
         * A folder entry, before its tree is walked.
         *
         * @return false to skip the folder and everything below it
         */
        default boolean folder(TreeEntry folder, Snapshot snapshot, String path) {
            return true;
        }

        /** A file entry whose content is a SHA-256 reference, before {@link #object} is called for it. */
        default void file(TreeEntry file, Snapshot snapshot, String path) {
        }

        /** A tree that is missing ({@code missing}) or could not be read or is corrupt: its folder is not entered. */
        default void unreadableTree(String hash, boolean missing, StorageException error, Snapshot snapshot, String path) {
        }

        /** An object a file entry names. */
        void object(ObjectRef ref);

        /** A file entry whose content is not a SHA-256 reference: its tree is corrupt. */
        default void badReference(String value, Snapshot snapshot, String path) {
        }
    }

    /** Where the walk reads a tree from; the tree returned must hash to the name asked for. */
    @FunctionalInterface
    public interface TreeSource {
        /**
         * @param hash the tree's SHA-256
         * @param path the folder's path in the snapshot being walked
         * @throws StorageException when it cannot be given (an {@link ObjectNotFoundException} when missing)
         */
        Tree tree(String hash, String path);
    }

    private final TreeSource trees;
    private final boolean distinct;
    private final Set<String> walked = new HashSet<>();

    private ReferencedObjects(TreeSource trees, boolean distinct) {
        this.trees = trees;
        this.distinct = distinct;
    }

    /** A walk that enters each tree once, across all the snapshots it is given (the set of what is referenced). */
    public static ReferencedObjects distinct(Repository repo) {
        return new ReferencedObjects((hash, path) -> repo.trees().get(hash), true);
    }

    /**
     * A walk that enters every tree of every snapshot at every path it appears, repeats included
     * (to restore, or to find every path of an object). Trees cannot contain themselves (a tree's
     * name is the hash of its bytes), so the walk ends.
     */
    public static ReferencedObjects everyPath(Repository repo) {
        return everyPath((hash, path) -> repo.trees().get(hash));
    }

    /** Like {@link #everyPath(Repository)}, reading trees from a source of the caller's (several copies, say). */
    public static ReferencedObjects everyPath(TreeSource trees) {
        return new ReferencedObjects(trees, false);
    }

    /** Walks the snapshots' trees, calling the visitor for what it meets. */
    public void walk(Iterable<Snapshot> snapshots, Visitor visitor) {
        for (Snapshot s : snapshots) {
            walk(s, visitor);
        }
    }

    /** Walks one snapshot's trees. */
    public void walk(Snapshot snapshot, Visitor visitor) {
        walkTree(snapshot.root(), "", snapshot, visitor, distinct ? walked : null);
    }

    private void walkTree(String hash, String path, Snapshot snapshot, Visitor visitor, Set<String> seen) {
        if (seen != null && !seen.add(hash)) {
            return;
        }
        Tree tree;
        try {
            tree = trees.tree(hash, path);
        } catch (ObjectNotFoundException e) {
            visitor.unreadableTree(hash, true, e, snapshot, path);
            return;
        } catch (StorageException e) {
            visitor.unreadableTree(hash, false, e, snapshot, path);
            return;
        }
        visitor.tree(hash, snapshot, path);
        for (TreeEntry e : tree.entries()) {
            String child = path.isEmpty() ? e.name() : path + "/" + e.name();
            if (e.isDir()) {
                if (visitor.folder(e, snapshot, child)) {
                    walkTree(e.tree(), child, snapshot, visitor, seen);
                }
                continue;
            }
            if (!RepositoryLayout.isHash(e.content())) {
                visitor.badReference(String.valueOf(e.content()), snapshot, child);
                continue;
            }
            visitor.file(e, snapshot, child);
            visitor.object(new ObjectRef(e.content(), e.size(), e.checksums(), false, snapshot, child));
            if (e.suspect() != null) {
                if (RepositoryLayout.isHash(e.suspect())) {
                    // bit rot keeps size and mtime, so the suspect bytes have the good version's size
                    visitor.object(new ObjectRef(e.suspect(), e.size(), Checksums.sha256(e.suspect()), true, snapshot,
                            child));
                } else {
                    visitor.badReference(e.suspect(), snapshot, child);
                }
            }
        }
    }
}
