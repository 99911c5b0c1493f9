package dev.heirloom.spi;

/**
 * The bytes written or read do not match the checksum or size they were expected to have.
 * When thrown by a write, nothing was published under the key.
 */
public class ChecksumMismatchException extends StorageException {
    /** @param message which content, and what it hashed to instead of what was expected */
    public ChecksumMismatchException(String message) {
        super(message);
    }
}
