package dev.heirloom.policy;

import java.util.List;

/**
 * How well one file is protected.
 *
 * @param path    path relative to the source root, {@code /}-separated
 * @param copies  copies counting the source
 * @param media   distinct media among them
 * @param offsite offsite copies among them
 * @param offlineOrLocked copies among them on an offline medium or locked against deletion
 * @param heldBy  names of the places holding this content ({@code source} first)
 * @param notCounted targets that hold it but do not count: failed or not recent enough verification
 */
public record FileCompliance(String path, int copies, int media, int offsite, int offlineOrLocked, List<String> heldBy,
                             List<String> notCounted) {
    /** Copies the collections, so the value never changes. */
    public FileCompliance {
        heldBy = List.copyOf(heldBy);
        notCounted = List.copyOf(notCounted);
    }
}
