package dev.heirloom.plan;

import java.util.Optional;

/**
 * What a backup would do on one target.
 *
 * @param name           target name
 * @param objectsToCopy  content objects missing there
 * @param bytesToCopy    their bytes
 * @param objectsPresent content objects already there
 * @param treesToWrite   folder trees missing there
 * @param unavailable    why the target cannot be used now, if so
 */
public record TargetPlan(String name, long objectsToCopy, long bytesToCopy, long objectsPresent, long treesToWrite,
                         Optional<String> unavailable) {
}
