package dev.heirloom.spi;

/** The target has no room (disk full, quota exceeded). Permanent until someone frees space. */
public class InsufficientStorageException extends StorageException {
    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
