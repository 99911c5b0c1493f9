package dev.heirloom.source;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which files of a source are backed up: those in the chosen media groups or matching an include
 * glob, minus those matching an exclude glob. Globs use {@link FileSystem#getPathMatcher} syntax
 * and match the path relative to the source root with {@code /} separators ({@code **}{@code /x}
 * also matches {@code x} at the root). Excluded folders are not descended into.
 *
 * @param groups   media groups included
 * @param includes extra include globs (files only)
 * @param excludes exclude globs (files and folders)
 */
public record MediaFilter(Set<MediaGroup> groups, List<String> includes, List<String> excludes) {

    /** Copies the groups and patterns, so the filter never changes. */
    public MediaFilter {
        groups = groups.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groups));
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** Photos, videos and their sidecars. */
    public static MediaFilter photosAndVideos() {
        return new MediaFilter(EnumSet.allOf(MediaGroup.class), List.of(), List.of());
    }

    /** A copy that also excludes paths matching the glob. */
    public MediaFilter excluding(String glob) {
        List<String> more = new ArrayList<>(excludes);
        more.add(glob);
        return new MediaFilter(groups, includes, more);
    }

    /** A copy that also includes files matching the glob, whatever their type. */
    public MediaFilter including(String glob) {
        List<String> more = new ArrayList<>(includes);
        more.add(glob);
        return new MediaFilter(groups, more, excludes);
    }

    /** Compiles the globs once for scanning. */
    public Compiled compile() {
        return new Compiled(this);
    }

    /** A filter ready to match; thread-safe. */
    public static final class Compiled {
        private final Set<MediaGroup> groups;
        private final List<PathMatcher> includes;
        private final List<PathMatcher> excludes;

        private Compiled(MediaFilter filter) {
            FileSystem fs = FileSystems.getDefault();
            groups = filter.groups();
            includes = filter.includes().stream().flatMap(g -> matchers(fs, g).stream()).toList();
            excludes = filter.excludes().stream().flatMap(g -> matchers(fs, g).stream()).toList();
        }

        private static List<PathMatcher> matchers(FileSystem fs, String glob) {
            List<PathMatcher> list = new ArrayList<>();
            list.add(fs.getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                list.add(fs.getPathMatcher("glob:" + glob.substring(3)));
            }
            return list;
        }

        /** Whether a folder at this relative path is excluded. */
        public boolean excludesDir(String relativePath) {
            return matchesAny(excludes, relativePath);
        }

        /**
         * The media type to record for a file, or empty when the file is not backed up.
         *
         * @param relativePath path from the source root, {@code /}-separated
         */
        public Optional<String> mediaTypeOf(String relativePath) {
            if (matchesAny(excludes, relativePath)) {
                return Optional.empty();
            }
            String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
            Optional<MediaGroup> group = MediaGroup.of(name);
            if (group.isPresent() && groups.contains(group.get())) {
                return Optional.of(group.get().mediaType());
            }
            if (matchesAny(includes, relativePath)) {
                return Optional.of(group.map(MediaGroup::mediaType).orElse("other"));
            }
            return Optional.empty();
        }

        private static boolean matchesAny(List<PathMatcher> matchers, String relativePath) {
            if (matchers.isEmpty()) {
                return false;
            }
            Path p = Path.of(relativePath);
            for (PathMatcher m : matchers) {
                if (m.matches(p)) {
                    return true;
                }
            }
            return false;
        }
    }
}
