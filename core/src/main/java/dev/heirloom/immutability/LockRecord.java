package dev.heirloom.immutability;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * What the last lock extension of a target found, kept in its repository
 * ({@code immutability/last-extension.json}) so that status can say, without listing the target,
 * until when its copies are locked.
 *
 * @param time        when it finished
 * @param days        the lock period then in force
 * @param lockedUntil the earliest lock end among the files the kept snapshots need, after extending
 * @param files       how many files the kept snapshots need (objects, trees, snapshots, key slots, heirloom.json)
 * @param extended    how many of them this run extended
 * @param missing     how many of them were not found (their snapshots are damaged; verify and repair tell)
 * @param complete    whether every needed file was known, found and locked: when false, nothing is
 *                    claimed from this record
 */
@JsonPropertyOrder({"time", "days", "lockedUntil", "files", "extended", "missing", "complete"})
public record LockRecord(Instant time, int days, Instant lockedUntil, long files, long extended, long missing,
                         boolean complete) {
}
