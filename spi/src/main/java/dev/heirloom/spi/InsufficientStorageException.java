package dev.heirloom.spi;

/** The target has no room (disk full, quota exceeded). Permanent until someone frees space. */
public class InsufficientStorageException extends StorageException {
    /** @param message which write found the target full */
    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
