package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.Objects;

/**
 * A point-in-time record of one source tree on one target. Written last, after every object and
 * tree it names is stored on that target.
 *
 * @param version snapshot format version, {@value #VERSION}
 * @param id      16 hex digits, unique
 * @param time    when the backup started
 * @param host    the machine that made it
 * @param source  label of the source (by default its absolute path); snapshots of one source form a history
 * @param root    hash of the root folder's tree
 * @param files   number of files it holds
 * @param bytes   sum of their sizes
 * @param parent  id of the snapshot this one was compared against, if any
 * @param reached names of the targets the backup that wrote it reached (those it could open and that had not
 *                failed when it wrote its snapshots), so that the others can tell when a target now away was
 *                last seen; null in snapshots written before Heirloom recorded it
 */
@JsonPropertyOrder({"version", "id", "time", "host", "source", "root", "files", "bytes", "parent", "reached"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(int version, String id, Instant time, String host, String source, String root,
                       long files, long bytes, String parent, java.util.List<String> reached) {
    /** The snapshot format version this Heirloom writes. */
    public static final int VERSION = 1;

    /** Requires id, time, source and root; copies the list of targets reached. */
    public Snapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(root, "root");
        reached = reached == null ? null : java.util.List.copyOf(reached);
    }
}
