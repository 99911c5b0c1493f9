package dev.heirloom.policy;

import java.util.List;

/**
 * A folder of the snapshot being checked whose record (tree) some target cannot give back: it is
 * missing, corrupt, unreadable, or its last verification found it damaged. The files under it do
 * not count as copies on those targets; when no target can give it back, they cannot be counted at
 * all and the policy is not met. {@code heirloom repair} copies the record from a target that holds
 * it intact; the next backup writes it again from the source when the folder is unchanged.
 *
 * @param path      the folder's path in the snapshot ({@code ""} for the root)
 * @param tree      the record's SHA-256
 * @param damagedOn the targets that cannot give it back, each with why
 * @param readable  whether some target gave it back, so the files under it were counted
 */
public record DamagedFolder(String path, String tree, List<String> damagedOn, boolean readable) {
    /** Copies the collections, so the value never changes. */
    public DamagedFolder {
        damagedOn = List.copyOf(damagedOn);
    }
}
