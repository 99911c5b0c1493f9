package dev.heirloom.spi;

/** The object named by a read does not exist. ({@code stat} reports absence as an empty result instead.) */
public class ObjectNotFoundException extends StorageException {
    /** @param key the key that holds no object */
    public ObjectNotFoundException(String key) {
        super("object not found: " + key);
    }

    /** As {@link #ObjectNotFoundException(String)}, with the service's answer. */
    public ObjectNotFoundException(String key, Throwable cause) {
        super("object not found: " + key, cause);
    }
}
