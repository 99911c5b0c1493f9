package dev.heirloom.spi;

/**
 * Root of the one exception tree used by the SPI and the Heirloom API. Unchecked, like the
 * cloud SDKs it wraps; specific failures are subclasses so callers can tell them apart.
 *
 * <p>Messages never contain secrets (passwords, keys, tokens, connection strings).
 */
public class StorageException extends RuntimeException {
    /** A failure described for a person; permanent unless a subclass says otherwise ({@link #isTransient()}). */
    public StorageException(String message) {
        super(message);
    }

    /** As {@link #StorageException(String)}, with the failure that caused it. */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same call later may succeed. Only {@link TargetUnavailableException} is. */
    public boolean isTransient() {
        return false;
    }
}
