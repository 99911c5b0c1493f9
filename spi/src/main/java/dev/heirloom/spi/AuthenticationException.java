package dev.heirloom.spi;

/** The target refused our credentials or permissions. Permanent: retrying will not help. */
public class AuthenticationException extends StorageException {
    /** @param message what was refused, never the credential itself */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
