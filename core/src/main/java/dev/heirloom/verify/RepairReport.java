package dev.heirloom.verify;

import java.util.List;

/**
 * What a repair did on one target.
 *
 * @param target   target name
 * @param verify   the verification that found the damage
 * @param repaired objects copied back, each with where the good copy came from
 * @param lost     objects with no good copy anywhere, with the photos that need them
 * @param remaining damaged objects neither repaired nor known lost (more than one verification lists,
 *                  when repairs stopped making progress); 0 when every damaged object was handled
 */
public record RepairReport(String target, VerifyReport verify, List<Repaired> repaired, List<BadObject> lost,
                           long remaining) {
    /**
     * One healed object.
     *
     * @param hash the object's SHA-256
     * @param from {@code source:<path>} or {@code target:<name>}
     */
    public record Repaired(String hash, String from) {
    }

    /** Copies the lists; {@code remaining} must not be negative. */
    public RepairReport {
        repaired = List.copyOf(repaired);
        lost = List.copyOf(lost);
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative");
        }
    }

    /** A repair of everything the verification listed, with nothing left over. */
    public RepairReport(String target, VerifyReport verify, List<Repaired> repaired, List<BadObject> lost) {
        this(target, verify, repaired, lost, 0);
    }

    /** True when nothing is left damaged: nothing lost, nothing left unrepaired. */
    public boolean healed() {
        return lost.isEmpty() && remaining == 0;
    }
}
