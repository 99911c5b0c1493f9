package dev.heirloom.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Paged listing for providers whose backend is a tree of folders (file systems, SFTP): walks the
 * folders depth-first with names sorted at each level, which orders keys segment by segment, and
 * resumes strictly after the page token's key. Only the folders on the way to the next keys are
 * read, so paging a million objects never holds them all. Folders outside the prefix are skipped.
 */
public final class FolderListing {
    private FolderListing() {
    }

    /**
     * One entry of a folder.
     *
     * @param name     its name
     * @param folder   whether it is a folder
     * @param size     its size (files)
     * @param modified its modification time, if known
     */
    public record Entry(String name, boolean folder, long size, Optional<Instant> modified) {
    }

    /**
     * Reads one folder of the backend.
     *
     * @param <E> the backend's checked exception
     */
    @FunctionalInterface
    public interface Reader<E extends Exception> {
        /**
         * The entries of the folder at {@code folderKey} ({@code ""} for the root), excluding
         * whatever the provider keeps for itself (temporary files); empty when it does not exist.
         */
        List<Entry> list(String folderKey) throws E;
    }

    /** One page of the objects whose keys start with {@code prefix}. */
    public static <E extends Exception> ListPage page(Reader<E> reader, String prefix, Optional<String> pageToken,
                                                      int pageSize) throws E {
        ObjectKeys.checkPrefix(prefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        String[] after = pageToken.map(t -> ObjectKeys.check(t).split("/")).orElse(null);
        List<ObjectInfo> out = new ArrayList<>(Math.min(pageSize + 1, 4096));
        walk(reader, "", 0, after, prefix, out, pageSize + 1);
        if (out.size() > pageSize) {
            List<ObjectInfo> page = out.subList(0, pageSize);
            return ListPage.of(page, Optional.of(page.get(pageSize - 1).key()));
        }
        return ListPage.of(out, Optional.empty());
    }

    private static <E extends Exception> void walk(Reader<E> reader, String folderKey, int depth, String[] after,
                                                   String prefix, List<ObjectInfo> out, int limit) throws E {
        List<Entry> entries = new ArrayList<>(reader.list(folderKey));
        entries.sort(Comparator.comparing(Entry::name));
        for (Entry e : entries) {
            if (out.size() >= limit) {
                return;
            }
            String key = folderKey.isEmpty() ? e.name() : folderKey + "/" + e.name();
            int cmp = after != null && depth < after.length ? e.name().compareTo(after[depth]) : 1;
            if (cmp < 0) {
                continue;
            }
            if (e.folder()) {
                String asFolder = key + "/";
                if (prefix.startsWith(asFolder) || asFolder.startsWith(prefix) || key.startsWith(prefix)) {
                    walk(reader, key, depth + 1, cmp == 0 ? after : null, prefix, out, limit);
                }
            } else if (cmp > 0 && key.startsWith(prefix)) {
                out.add(ObjectInfo.of(key, e.size(), e.modified(), Checksums.none()));
            }
        }
    }
}
