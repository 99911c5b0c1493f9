package dev.heirloom.source;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * How many files and bytes a source holds, as a backup would see them (the same filter and
 * litter rules; symbolic links are not followed): a quick walk of metadata only, for progress
 * and estimates. Unreadable folders are left out silently; the backup reports them.
 *
 * @param files files a backup would take
 * @param bytes their bytes
 */
public record SourceCount(long files, long bytes) {

    /**
     * Walks the source.
     *
     * @param stop checked between folders: true ends the walk early (the counts so far)
     */
    public static SourceCount of(SourceSpec source, BooleanSupplier stop) {
        MediaFilter.Compiled filter = source.filter().compile();
        SourceLister lister = new SourceLister(false, problem -> { });
        long files = 0;
        long bytes = 0;
        Deque<Path> dirs = new ArrayDeque<>();
        Deque<String> rels = new ArrayDeque<>();
        dirs.push(source.root());
        rels.push("");
        while (!dirs.isEmpty() && !stop.getAsBoolean()) {
            Path dir = dirs.pop();
            String rel = rels.pop();
            for (SourceEntry e : lister.list(dir)) {
                String child = rel.isEmpty() ? e.name() : rel + "/" + e.name();
                if (e.dir()) {
                    if (!filter.excludesDir(child)) {
                        dirs.push(e.path());
                        rels.push(child);
                    }
                } else if (filter.mediaTypeOf(child).isPresent()) {
                    files++;
                    bytes += e.size();
                }
            }
        }
        return new SourceCount(files, bytes);
    }
}
