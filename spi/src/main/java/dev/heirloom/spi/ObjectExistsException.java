package dev.heirloom.spi;

/**
 * A conditional write failed: an if-absent write found the object already there, or another
 * precondition the backend checks did not hold (HTTP 409/412).
 */
public class ObjectExistsException extends StorageException {
    /** @param key the key that is already taken */
    public ObjectExistsException(String key) {
        super("object already exists: " + key);
    }

    /** As {@link #ObjectExistsException(String)}, with the service's answer. */
    public ObjectExistsException(String key, Throwable cause) {
        super("object already exists: " + key, cause);
    }
}
