package dev.heirloom.verify;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of verifying one target.
 *
 * @param target          target name
 * @param level           level checked
 * @param samplePercent   share of objects read this run (100 when not sampling)
 * @param snapshots       snapshots whose objects were checked
 * @param objects         distinct objects those snapshots name
 * @param objectsChecked  objects checked this run (all for present; the sample for content)
 * @param bytesRead       bytes read back
 * @param bad             objects that failed (at most 1,000 listed)
 * @param badCount        all that failed
 * @param started         start time
 * @param finished        end time
 * @param notes           what the check could not establish, for people (e.g. a target without server checksums)
 */
public record VerifyReport(String target, VerifyLevel level, int samplePercent, long snapshots, long objects,
                           long objectsChecked, long bytesRead, List<BadObject> bad, long badCount, Instant started,
                           Instant finished, List<String> notes) {
    /** Copies the collections, so the value never changes. */
    public VerifyReport {
        bad = List.copyOf(bad);
        notes = List.copyOf(notes);
    }

    /** Whether no object was found missing or damaged. */
    public boolean clean() {
        return badCount == 0;
    }
}
