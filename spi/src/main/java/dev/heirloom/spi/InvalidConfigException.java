package dev.heirloom.spi;

/**
 * Configuration that can never work: a malformed URI, a missing or unknown option, a scheme no
 * provider serves, an unreadable key file. Detected before any data moves.
 */
public class InvalidConfigException extends StorageException {
    /** @param message what is wrong and where, for the person who wrote the configuration */
    public InvalidConfigException(String message) {
        super(message);
    }

    /** As {@link #InvalidConfigException(String)}, with what revealed it. */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
