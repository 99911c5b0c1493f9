package dev.heirloom.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import dev.heirloom.repository.FileName;
import dev.heirloom.repository.Tree;

/**
 * Lists one source folder at a time, sorted by name, skipping operating-system litter and (unless
 * asked) symbolic links. Problems are reported to a consumer and the listing goes on.
 */
public final class SourceLister {
    /** Names never backed up: thumbnails caches and folder metadata of macOS, Windows and Synology. */
    public static final Set<String> LITTER = Set.of(".DS_Store", "Thumbs.db", "desktop.ini", "@eaDir",
            ".AppleDouble", "._.DS_Store", "$RECYCLE.BIN", ".Trashes", ".Spotlight-V100", ".fseventsd");

    private final boolean followLinks;
    private final Consumer<SourceProblem> problems;

    /** Lists a source, following symbolic links when asked, telling {@code problems} of what it cannot read. */
    public SourceLister(boolean followLinks, Consumer<SourceProblem> problems) {
        this.followLinks = followLinks;
        this.problems = problems;
    }

    /** The folder's entries by name; empty with a reported problem when it cannot be read. */
    public List<SourceEntry> list(Path dir) {
        List<SourceEntry> entries = new ArrayList<>();
        LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = FileName.of(child);
                if (LITTER.contains(name) || name.startsWith("._")) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(child, BasicFileAttributes.class, options);
                } catch (IOException e) {
                    problems.accept(new SourceProblem(child, "cannot read attributes: " + describe(e)));
                    continue;
                }
                if (attrs.isSymbolicLink()) {
                    continue;
                }
                if (!attrs.isDirectory() && !attrs.isRegularFile()) {
                    continue;
                }
                Object key = attrs.fileKey();
                entries.add(new SourceEntry(name, child, attrs.isDirectory(), attrs.isDirectory() ? 0 : attrs.size(),
                        attrs.lastModifiedTime().toInstant(), key == null ? null : key.toString()));
            }
        } catch (IOException | SecurityException e) {
            problems.accept(new SourceProblem(dir, "cannot list folder: " + describe(e)));
            return List.of();
        }
        entries.sort(Comparator.comparing(SourceEntry::name, Tree.NAME_ORDER));
        return entries;
    }

    static String describe(Exception e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }
}
