package dev.heirloom.compliance;

import dev.heirloom.policy.FileCompliance;
import dev.heirloom.policy.ComplianceReport;
import dev.heirloom.policy.DamagedFolder;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Placement;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.repository.FileName;
import dev.heirloom.repository.ReferencedObjects;
import dev.heirloom.repository.Repository;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Counts the copies of every file of the newest snapshot. The source counts as one copy; a target
 * counts for a file when its latest snapshot holds the same content at the same path. Walks one
 * folder at a time, comparing tree hashes, so memory does not grow with the number of files.
 */
public final class ComplianceChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceChecker.class);

    /**
     * A target as seen for compliance.
     *
     * @param placement its name, medium and site
     * @param repository its repository
     * @param latest    its latest snapshot of the source, or null when it has none
     * @param unverified why its copies do not meet the policy's verification requirements (not verified
     *                   recently enough; its last verification found errors), or null when they do
     * @param failed    objects its last verification found missing or damaged; they never count
     */
    public record Holder(Placement placement, Repository repository, Snapshot latest, String unverified,
                         Set<String> failed) {
        /** Copies the collections, so the value never changes. */
        public Holder {
            failed = Set.copyOf(failed);
        }

        /** A holder whose copies count as they are. */
        public Holder(Placement placement, Repository repository, Snapshot latest) {
            this(placement, repository, latest, null, Set.of());
        }

        /** Whether its copies meet the verification requirements. */
        public boolean verified() {
            return unverified == null;
        }
    }

    /** Told of every file of the snapshot as it is counted, for reports that aggregate them. */
    @FunctionalInterface
    public interface FileTally {
        /** Counts nothing. */
        FileTally NONE = (entry, file, met) -> {
        };

        /**
         * One file of the newest snapshot.
         *
         * @param entry its tree entry in the newest snapshot
         * @param file  its path (readable form) and the places whose copies count
         * @param met   whether they meet the policy
         */
        void counted(TreeEntry entry, FileCompliance file, boolean met);
    }

    private final Policy policy;
    private final Placement source;
    private final SourceCopy sourceCopy;
    private final List<Holder> holders;
    private final FileTally tally;
    private long total;
    private long compliant;
    private final List<FileCompliance> shortFiles = new ArrayList<>();
    private final List<DamagedFolder> damagedFolders = new ArrayList<>();

    private ComplianceChecker(Policy policy, Placement source, SourceCopy sourceCopy, List<Holder> holders,
                              FileTally tally) {
        this.policy = policy;
        this.source = source;
        this.sourceCopy = sourceCopy;
        this.holders = holders;
        this.tally = tally;
    }

    /**
     * Checks the policy.
     *
     * @param unavailable targets whose state could not be read (they count for nothing)
     */
    public static ComplianceReport check(Policy policy, Placement source, List<Holder> holders, List<String> unavailable,
                                         List<Placement> allTargets) {
        return check(policy, source, SourceCopy.TRUSTED, holders, unavailable, allTargets, FileTally.NONE);
    }

    /**
     * Whether the source still holds a file as the snapshot recorded it: the source is a copy
     * only of the files that are there with that content, not of those deleted or changed since.
     */
    public interface SourceCopy {
        /** The source as just walked by a backup of the snapshot being checked: every file is there. */
        SourceCopy TRUSTED = (path, entry) -> true;

        /** Whether this holder keeps an intact copy of the file at {@code path} described by {@code entry}. */
        boolean holds(String path, TreeEntry entry);

        /** Looks at the source folder: a file counts when it is there with the entry's size and modification time. */
        static SourceCopy at(Path root, boolean followLinks) {
            LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            return (path, entry) -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(FileName.resolve(root, path), BasicFileAttributes.class,
                            options);
                    return a.isRegularFile() && a.size() == entry.size()
                            && a.lastModifiedTime().toInstant().equals(entry.mtime());
                } catch (IOException | InvalidPathException e) {
                    return false;
                }
            };
        }
    }

    /**
     * Checks the policy.
     *
     * @param sourceCopy  which files the source still holds as recorded
     * @param unavailable targets whose state could not be read (they count for nothing)
     * @param tally       told of every file as it is counted (with a tally other than {@link FileTally#NONE} every
     *                    folder is read, even when every target holds the same snapshot)
     */
    public static ComplianceReport check(Policy policy, Placement source, SourceCopy sourceCopy, List<Holder> holders,
                                         List<String> unavailable, List<Placement> allTargets, FileTally tally) {
        List<Placement> places = new ArrayList<>();
        places.add(source);
        places.addAll(allTargets);
        List<String> unreachable = policy.whyUnreachable(places);
        Holder newest = null;
        for (Holder h : holders) {
            if (h.latest() != null && (newest == null || h.latest().time().isAfter(newest.latest().time()))) {
                newest = h;
            }
        }
        if (newest == null) {
            return new ComplianceReport(policy, Optional.empty(), unreachable, unavailable, 0, 0, List.of(), List.of(), List.of());
        }
        String root = newest.latest().root();
        if (tally == FileTally.NONE && sourceCopy == SourceCopy.TRUSTED && holders.stream().allMatch(h -> h.latest() == null || (h.latest().root().equals(root) && h.failed().isEmpty()))) {
            // Every target holds this very tree (the state after a backup that reached them all):
            // each file has the same holders, so when they meet the policy the snapshot's file
            // count is the answer and no folder listing needs reading.
            int copies = 1;
            Set<Medium> media = EnumSet.of(source.medium());
            int offsite = source.site() == Site.OFFSITE ? 1 : 0;
            int offline = source.offlineOrLocked() ? 1 : 0;
            for (Holder h : holders) {
                if (h.latest() != null && h.verified()) {
                    copies++;
                    media.add(h.placement().medium());
                    offsite += h.placement().site() == Site.OFFSITE ? 1 : 0;
                    offline += h.placement().offlineOrLocked() ? 1 : 0;
                }
            }
            if (policy.isMetBy(copies, media.size(), offsite, offline)) {
                long files = newest.latest().files();
                return new ComplianceReport(policy, Optional.of(newest.latest().id()), unreachable, unavailable, files,
                        files, List.of(), List.of(), List.of());
            }
        }
        ComplianceChecker checker = new ComplianceChecker(policy, source, sourceCopy, holders, tally);
        String[] hashes = new String[holders.size()];
        for (int i = 0; i < holders.size(); i++) {
            hashes[i] = holders.get(i).latest() == null ? null : holders.get(i).latest().root();
        }
        int newestIndex = 0;
        while (holders.get(newestIndex) != newest) {
            newestIndex++;
        }
        checker.walk(newest.latest(), newestIndex, hashes);
        return new ComplianceReport(policy, Optional.of(newest.latest().id()), unreachable, unavailable,
                checker.total, checker.compliant, checker.shortFiles, checker.damagedFolders, List.of());
    }

    /**
     * One folder of the newest snapshot with each holder's tree at the same path (null where it has
     * none or cannot give it back) and why a holder that should have one cannot.
     */
    private record Frame(String path, Tree[] trees, String[] damaged, boolean[] own) {
    }

    /**
     * Walks the newest snapshot with the repository's one walk, keeping for each folder on the
     * way down the holders' trees at the same path. Every holder's tree is read from its own
     * repository (checked against its hash), so a copy counts only where that target can give back
     * every folder record above the file; a tree its last verification found damaged is not read.
     * When the newest holder cannot give a tree back, the walk goes on with another holder's copy,
     * and the damage is reported; when none can, the files under it cannot be counted.
     */
    private void walk(Snapshot newest, int newestIndex, String[] rootHashes) {
        Deque<Frame> stack = new ArrayDeque<>();
        String[][] pending = {rootHashes};
        String[][] above = {new String[holders.size()]};
        Frame[] read = new Frame[1];
        ReferencedObjects.TreeSource source = (hash, path) -> {
            read[0] = readTrees(hash, path, pending[0], above[0], newestIndex);
            for (int i = 0; i < holders.size(); i++) {
                if (read[0].trees()[i] != null && hash.equals(pending[0][i])) {
                    return read[0].trees()[i];
                }
            }
            throw new ObjectNotFoundException("tree " + hash + " of folder '" + path + "' (no target gives it back)");
        };
        ReferencedObjects.everyPath(source).walk(newest, new ReferencedObjects.Visitor() {
            @Override
            public void tree(String hash, Snapshot snapshot, String path) {
                stack.push(read[0]);
            }

            @Override
            public void unreadableTree(String hash, boolean missing, StorageException error, Snapshot snapshot, String path) {
                damage(path, hash, read[0], false);
            }

            @Override
            public boolean folder(TreeEntry folder, Snapshot snapshot, String path) {
                Frame here = frameFor(path, folder.name());
                String[] sub = new String[holders.size()];
                String[] subAbove = new String[holders.size()];
                for (int i = 0; i < holders.size(); i++) {
                    TreeEntry theirs = here.trees()[i] == null ? null : here.trees()[i].entry(folder.name()).orElse(null);
                    sub[i] = theirs != null && theirs.isDir() ? theirs.tree() : null;
                    subAbove[i] = here.damaged()[i] == null || !here.own()[i] ? here.damaged()[i]
                            : "the record of the folder '" + here.path() + "' above it is damaged";
                }
                pending[0] = sub;
                above[0] = subAbove;
                return true;
            }

            @Override
            public void file(TreeEntry entry, Snapshot snapshot, String path) {
                count(entry, path, frameFor(path, entry.name()));
            }

            @Override
            public void object(ReferencedObjects.ObjectRef ref) {
                // counted per file entry
            }

            /** The frame of the folder holding the entry at {@code path}: frames of folders already finished are dropped. */
            private Frame frameFor(String path, String name) {
                // the walk builds a child's path as parent + "/" + name (or name alone at the root)
                String parent = path.length() == name.length() ? "" : path.substring(0, path.length() - name.length() - 1);
                while (!stack.peek().path().equals(parent)) {
                    stack.pop();
                }
                return stack.peek();
            }
        });
    }

    /** Each holder's tree at one folder, the newest holder's first; notes any holder that cannot give its own. */
    private Frame readTrees(String refHash, String path, String[] hashes, String[] damagedAbove, int newestIndex) {
        int n = holders.size();
        Tree[] trees = new Tree[n];
        String[] damaged = new String[n];
        boolean[] own = new boolean[n];
        Tree ref = null;
        for (int k = 0; k < n; k++) {
            int i = k == 0 ? newestIndex : k <= newestIndex ? k - 1 : k;
            String hash = hashes[i];
            if (hash == null) {
                damaged[i] = damagedAbove[i];
                continue;
            }
            Holder h = holders.get(i);
            if (h.failed().contains(hash)) {
                damaged[i] = "its last verification found this folder's record damaged";
                own[i] = true;
                continue;
            }
            try {
                // each target's own copy: a tree another target holds proves nothing about this one
                trees[i] = h.repository().trees().get(hash);
                if (hash.equals(refHash)) {
                    ref = trees[i];
                }
            } catch (ObjectNotFoundException e) {
                damaged[i] = "this folder's record is missing";
            } catch (StorageException e) {
                damaged[i] = "this folder's record cannot be read: " + e.getMessage();
            }
            own[i] = damaged[i] != null;
            if (own[i]) {
                LOG.warn("{}: cannot give back tree {} of folder '{}'; its copies there are not counted: {}",
                        h.placement().name(), hash, path, damaged[i]);
            }
        }
        Frame frame = new Frame(path, trees, damaged, own);
        if (ref != null) {
            damage(path, refHash, frame, true);
        }
        return frame;
    }

    /** Records a folder some holder cannot give back; {@code readable}: another holder did. */
    private void damage(String path, String hash, Frame frame, boolean readable) {
        List<String> on = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            if (frame.own()[i]) {
                on.add(holders.get(i).placement().name() + ": " + frame.damaged()[i]);
            }
        }
        if ((!on.isEmpty() || !readable) && damagedFolders.size() < ComplianceReport.LISTED_LIMIT) {
            damagedFolders.add(new DamagedFolder(FileName.readable(path), hash, on, readable));
        }
    }

    /** Counts one file's copies: the source, and each holder whose tree at this path has the same content. */
    private void count(TreeEntry entry, String childPath, Frame frame) {
        Tree[] trees = frame.trees();
        List<String> heldBy = new ArrayList<>();
        List<String> notCounted = new ArrayList<>();
        Set<Medium> media = EnumSet.noneOf(Medium.class);
        int offsite = 0;
        int offline = 0;
        if (entry.suspect() != null) {
            // the source's bytes differ from the version kept (suspected bit rot): it is no copy of it
            notCounted.add(source.name() + " (suspected bit rot: its content differs from the last good version)");
        } else if (sourceCopy.holds(childPath, entry)) {
            heldBy.add(source.name());
            media.add(source.medium());
            offsite += source.site() == Site.OFFSITE ? 1 : 0;
            offline += source.offlineOrLocked() ? 1 : 0;
        } else {
            notCounted.add(source.name() + " (deleted or changed there since the snapshot)");
        }
        for (int i = 0; i < holders.size(); i++) {
            if (frame.damaged()[i] != null) {
                notCounted.add(holders.get(i).placement().name() + " (" + frame.damaged()[i] + ")");
                continue;
            }
            TreeEntry theirs = trees[i] == null ? null : trees[i].entry(entry.name()).orElse(null);
            if (theirs == null || !theirs.isFile() || !entry.content().equals(theirs.content())) {
                continue;
            }
            Holder h = holders.get(i);
            Placement p = h.placement();
            if (h.failed().contains(entry.content())) {
                notCounted.add(p.name() + " (failed verification)");
                continue;
            }
            if (!h.verified()) {
                notCounted.add(p.name() + " (" + h.unverified() + ")");
                continue;
            }
            heldBy.add(p.name());
            media.add(p.medium());
            offsite += p.site() == Site.OFFSITE ? 1 : 0;
            offline += p.offlineOrLocked() ? 1 : 0;
        }
        total++;
        boolean met = policy.isMetBy(heldBy.size(), media.size(), offsite, offline);
        FileCompliance file = met && tally == FileTally.NONE ? null
                : new FileCompliance(FileName.readable(childPath), heldBy.size(), media.size(), offsite, offline, heldBy,
                notCounted);
        if (met) {
            compliant++;
        } else if (shortFiles.size() < ComplianceReport.LISTED_LIMIT) {
            shortFiles.add(file);
        }
        if (tally != FileTally.NONE) {
            tally.counted(entry, file, met);
        }
    }
}
