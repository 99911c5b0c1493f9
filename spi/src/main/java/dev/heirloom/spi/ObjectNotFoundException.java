package dev.heirloom.spi;

/** The object named by a read does not exist. ({@code stat} reports absence as an empty result instead.) */
public class ObjectNotFoundException extends StorageException {
    public ObjectNotFoundException(String key) {
        super("object not found: " + key);
    }

    public ObjectNotFoundException(String key, Throwable cause) {
        super("object not found: " + key, cause);
    }
}
