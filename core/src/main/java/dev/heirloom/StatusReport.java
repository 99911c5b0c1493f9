package dev.heirloom;

import dev.heirloom.policy.ComplianceReport;

import java.util.List;

/**
 * Targets' state and the compliance of the newest snapshot.
 *
 * @param targets    every configured target
 * @param compliance the policy check
 */
public record StatusReport(List<TargetStatus> targets, ComplianceReport compliance) {
    /** Copies the collections, so the value never changes. */
    public StatusReport {
        targets = List.copyOf(targets);
    }
}
