package dev.heirloom.verify;

import java.util.List;

/**
 * What a repair did on one target.
 *
 * @param target   target name
 * @param verify   the verification that found the damage
 * @param repaired objects copied back, each with where the good copy came from
 * @param lost     objects with no good copy anywhere, with the photos that need them
 */
public record RepairReport(String target, VerifyReport verify, List<Repaired> repaired, List<BadObject> lost) {
    /**
     * One healed object.
     *
     * @param hash the object's SHA-256
     * @param from {@code source:<path>} or {@code target:<name>}
     */
    public record Repaired(String hash, String from) {
    }

    public RepairReport {
        repaired = List.copyOf(repaired);
        lost = List.copyOf(lost);
    }

    /** True when nothing is left damaged. */
    public boolean healed() {
        return lost.isEmpty();
    }
}
