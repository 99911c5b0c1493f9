package dev.heirloom;

import dev.heirloom.repo.Snapshot;

import java.util.Optional;

/**
 * The state of one target: its latest snapshot of the source, or why it cannot be read.
 *
 * @param spec   the target's configuration
 * @param latest its latest snapshot of the source
 * @param error  why it could not be read
 */
public record TargetStatus(TargetSpec spec, Optional<Snapshot> latest, Optional<String> error) {
}
