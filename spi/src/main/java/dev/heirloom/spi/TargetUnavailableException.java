package dev.heirloom.spi;

/**
 * The target could not be reached or answered with a transient error (connection refused or
 * reset, timeout, HTTP 429/5xx). The only transient exception: core retries it with backoff
 * unless the provider declares that it retries on its own.
 */
public class TargetUnavailableException extends StorageException {
    /** @param message which target could not be reached, and why as far as known */
    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
