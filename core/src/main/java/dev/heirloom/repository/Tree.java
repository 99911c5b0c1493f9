package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One folder of a snapshot: its entries sorted by name (the order of the names' bytes), names unique.
 * Stored under the SHA-256 of its canonical JSON, so equal folders are stored once.
 *
 * @param version tree format version, {@value #VERSION}
 * @param entries the folder's entries
 */
@JsonPropertyOrder({"version", "entries"})
public record Tree(int version, List<TreeEntry> entries) {
    /** The tree format version this Heirloom writes. */
    public static final int VERSION = 1;

    /**
     * Orders names by their bytes ({@link FileName#bytes}): for UTF-8 names that is the order of
     * Unicode code points.
     */
    public static final Comparator<String> NAME_ORDER = Tree::compareNames;

    private static final Comparator<TreeEntry> ENTRY_ORDER = (a, b) -> compareNames(a.name(), b.name());

    private static int compareNames(String a, String b) {
        // UTF-16 order equals code point order except where a surrogate meets U+E000..U+FFFF:
        // compare chars, and code points only at a first difference involving a surrogate
        int n = Math.min(a.length(), b.length());
        for (int k = 0; k < n; k++) {
            char x = a.charAt(k);
            char y = b.charAt(k);
            if (x != y) {
                if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                    // a pair or an escaped byte: compare the bytes from the start of this character on
                    int from = k > 0 && Character.isHighSurrogate(a.charAt(k - 1)) ? k - 1 : k;
                    return Arrays.compareUnsigned(FileName.bytes(a.substring(from)), FileName.bytes(b.substring(from)));
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** Sorts the entries by name bytes; two entries of one name are an {@link IllegalArgumentException}. */
    public Tree {
        TreeEntry[] sorted = entries.toArray(TreeEntry[]::new);
        Arrays.sort(sorted, ENTRY_ORDER);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].name().equals(sorted[i - 1].name())) {
                throw new IllegalArgumentException("duplicate entry name in tree: " + sorted[i].name());
            }
        }
        entries = List.of(sorted);
    }

    /** A tree of the current version holding these entries (sorted by name bytes). */
    public static Tree of(List<TreeEntry> entries) {
        return new Tree(VERSION, entries);
    }

    /** The entry with this name, found by binary search. */
    public Optional<TreeEntry> entry(String name) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = NAME_ORDER.compare(entries.get(mid).name(), name);
            if (c == 0) {
                return Optional.of(entries.get(mid));
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return Optional.empty();
    }
}
