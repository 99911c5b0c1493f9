package dev.heirloom.backup;

import dev.heirloom.repository.CanonicalJson;
import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;

import java.util.List;

/**
 * Turns a finished folder into its tree: encodes it canonically, hashes it, and stores it on each
 * live lane whose latest snapshot does not hold that very tree at this path. A folder whose
 * entries equal the reference tree that every target holds (the nightly case) keeps its hash
 * without being encoded again.
 */
final class TreeWriter {
    private final RunContext run;

    TreeWriter(RunContext run) {
        this.run = run;
    }

    /**
     * @param entries    the folder's entries (in any order)
     * @param refHash    the reference snapshot's tree at this path, or null
     * @param refTree    that tree, or null
     * @param laneHashes each lane's tree at this path in its latest snapshot, or null
     * @return the folder's tree hash
     */
    String write(List<TreeEntry> entries, String refHash, Tree refTree, String[] laneHashes) {
        Tree tree = Tree.of(entries);
        String hash = refTree != null && tree.entries().equals(refTree.entries()) ? refHash : null;
        for (int i = 0; hash != null && i < run.lanes.size(); i++) {
            if (run.lanes.get(i).alive() && !hash.equals(laneHashes[i])) {
                hash = null;
            }
        }
        byte[] canonical = null;
        if (hash == null) {
            canonical = CanonicalJson.write(tree);
            hash = MultiDigest.sha256Hex(canonical);
        }
        for (int i = 0; i < run.lanes.size(); i++) {
            Lane lane = run.lanes.get(i);
            if (!lane.alive() || hash.equals(laneHashes[i])) {
                continue;
            }
            try {
                dev.heirloom.storage.CrashPoints.reach("before-tree-write");
                if (run.options.dryRun()) {
                    if (!lane.repo.trees().has(hash) || lane.unreadableTrees.contains(hash)) {
                        lane.treesWritten.incrementAndGet();
                    }
                } else if (lane.unreadableTrees.contains(hash)) {
                    // the stored copy is missing or damaged: the same folder gives the same bytes, so replace it
                    lane.repo.trees().replace(hash, dev.heirloom.spi.ContentSource.ofBytes(canonical));
                    lane.treesWritten.incrementAndGet();
                    lane.treesRewritten.incrementAndGet();
                } else if (lane.repo.trees().put(hash, canonical)) {
                    lane.treesWritten.incrementAndGet();
                }
            } catch (StorageException e) {
                lane.fail(e);
            }
        }
        return hash;
    }
}
