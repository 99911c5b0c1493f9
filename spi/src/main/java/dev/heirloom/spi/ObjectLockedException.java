package dev.heirloom.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * A delete or a replacing write refused because the backend keeps the object locked (see
 * {@link Capabilities#objectLock()}): nothing was changed, and trying again before
 * {@link #until()} gives the same answer.
 */
public class ObjectLockedException extends StorageException {
    private final transient Optional<Instant> until;

    /** @param until when the lock runs out, if the backend says */
    public ObjectLockedException(String key, Optional<Instant> until) {
        super("object " + key + " is locked against deletion and replacement"
                + until.map(t -> " until " + t).orElse(""));
        this.until = until;
    }

    /** The same refusal told in the caller's terms ({@code message}), keeping {@code cause}'s time. */
    public ObjectLockedException(String message, ObjectLockedException cause) {
        super(message, cause);
        this.until = cause.until;
    }

    /** When the lock runs out, if the backend said. */
    public Optional<Instant> until() {
        return until;
    }
}
