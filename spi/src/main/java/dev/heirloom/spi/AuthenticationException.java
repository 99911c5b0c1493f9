package dev.heirloom.spi;

/** The target refused our credentials or permissions. Permanent: retrying will not help. */
public class AuthenticationException extends StorageException {
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
