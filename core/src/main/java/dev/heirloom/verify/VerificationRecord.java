package dev.heirloom.verify;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * The last verification of a target at one level, kept in the target's repository
 * ({@code verify/last-<level>.json}) so it survives the loss of the computer that ran it.
 *
 * @param time           when it finished
 * @param level          the level
 * @param samplePercent  share of objects read (100 when not sampling)
 * @param objects        objects named by the snapshots then
 * @param objectsChecked objects checked
 * @param bad            objects that failed
 * @param badObjects     their hashes (at most 10,000), so that compliance does not count them
 */
@JsonPropertyOrder({"time", "level", "samplePercent", "objects", "objectsChecked", "bad", "badObjects"})
public record VerificationRecord(Instant time, VerifyLevel level, int samplePercent, long objects, long objectsChecked,
                                 long bad, java.util.List<String> badObjects) {
    /** Copies the list of bad objects (absent in old records: none). */
    public VerificationRecord {
        badObjects = badObjects == null ? java.util.List.of() : java.util.List.copyOf(badObjects);
    }
}
