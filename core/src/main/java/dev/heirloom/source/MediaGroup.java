package dev.heirloom.source;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Families of files a photo library holds, recognised by file extension (case-insensitive). */
public enum MediaGroup {
    /** Still images, raw formats included. */
    PHOTOS("photo", Set.of("jpg", "jpeg", "heic", "heif", "png", "gif", "webp", "tif", "tiff",
            "dng", "cr2", "cr3", "nef", "arw", "orf", "rw2", "raf")),
    /** Video files. */
    VIDEOS("video", Set.of("mp4", "mov", "m4v", "avi", "mkv", "mts", "m2ts", "3gp")),
    /** Edit and metadata files beside a photo (XMP, Apple's AAE). */
    SIDECARS("sidecar", Set.of("xmp", "aae"));

    private final String mediaType;
    private final Set<String> extensions;

    MediaGroup(String mediaType, Set<String> extensions) {
        this.mediaType = mediaType;
        this.extensions = extensions;
    }

    /** The media type recorded in trees: photo, video or sidecar. */
    public String mediaType() {
        return mediaType;
    }

    /** The lowercase extensions of this family, without the dot. */
    public Set<String> extensions() {
        return extensions;
    }

    /** The group a file name belongs to by its extension. */
    public static Optional<MediaGroup> of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (MediaGroup g : values()) {
            if (g.extensions.contains(ext)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** Parses {@code photos}, {@code videos} or {@code sidecars}. */
    public static Optional<MediaGroup> named(String name) {
        for (MediaGroup g : values()) {
            if (g.name().equalsIgnoreCase(name)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
