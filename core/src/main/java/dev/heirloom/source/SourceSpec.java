package dev.heirloom.source;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Site;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The folder to back up and how.
 *
 * @param root        the source folder
 * @param filter      which files are covered
 * @param medium      the medium the originals live on (they count as one copy)
 * @param site        where the originals live
 * @param label       names this source's snapshot history on every target; by default the absolute root path
 * @param followLinks whether symbolic links are followed (default false: links are skipped)
 */
public record SourceSpec(Path root, MediaFilter filter, Medium medium, Site site, String label, boolean followLinks) {
    /** Makes the root absolute and normalized; a blank label becomes the root's path. */
    public SourceSpec {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(medium, "medium");
        Objects.requireNonNull(site, "site");
        root = root.toAbsolutePath().normalize();
        if (label == null || label.isBlank()) {
            label = root.toString();
        }
    }

    /** A source on an internal disk at home, covering photos, videos and sidecars. */
    public static SourceSpec of(Path root) {
        return new SourceSpec(root, MediaFilter.photosAndVideos(), Medium.INTERNAL_DISK, Site.ONSITE, null, false);
    }
}
