package dev.heirloom.spi;

/**
 * Configuration that can never work: a malformed URI, a missing or unknown option, a scheme no
 * provider serves, an unreadable key file. Detected before any data moves.
 */
public class InvalidConfigException extends StorageException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
