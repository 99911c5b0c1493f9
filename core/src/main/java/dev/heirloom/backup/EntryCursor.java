package dev.heirloom.backup;

import dev.heirloom.repository.Tree;
import dev.heirloom.repository.TreeEntry;

import java.util.List;

/**
 * Finds entries of a tree by name, for names asked in increasing {@link Tree#NAME_ORDER} (a
 * folder listing and its trees are in that order, so each lookup continues where the last
 * stopped); a name asked out of order is looked up in the whole tree.
 */
final class EntryCursor {
    private final List<TreeEntry> entries;
    private final Tree tree;
    private int next;

    EntryCursor(Tree tree) {
        this.tree = tree;
        this.entries = tree == null ? List.of() : tree.entries();
    }

    TreeEntry find(String name) {
        while (next < entries.size() && Tree.NAME_ORDER.compare(entries.get(next).name(), name) < 0) {
            next++;
        }
        if (next < entries.size() && entries.get(next).name().equals(name)) {
            return entries.get(next++);
        }
        if (next > 0 && Tree.NAME_ORDER.compare(entries.get(next - 1).name(), name) >= 0) {
            return tree.entry(name).orElse(null); // asked out of order
        }
        return null;
    }
}
