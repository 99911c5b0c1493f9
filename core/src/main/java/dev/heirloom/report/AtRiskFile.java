package dev.heirloom.report;

import java.util.List;

/**
 * A file that is not as safe as the policy asks.
 *
 * @param path     its path in the source, {@code /}-separated (readable form)
 * @param media    {@code photo}, {@code video}, {@code sidecar} or {@code other}
 * @param captured its capture date, or its modification time when it has none ({@code yyyy-MM-ddTHH:mm:ss...})
 * @param copies   copies that count (the source included)
 * @param heldBy   the places whose copies count
 * @param reasons  why it is at risk, in plain words
 */
public record AtRiskFile(String path, String media, String captured, int copies, List<String> heldBy,
                         List<String> reasons) {
    /** Copies the collections, so the value never changes. */
    public AtRiskFile {
        heldBy = List.copyOf(heldBy);
        reasons = List.copyOf(reasons);
    }

    /** The folder holding it ({@code ""} for the source's top folder). */
    public String folder() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
