package dev.heirloom.provider.gcs;

import com.google.cloud.BaseServiceException;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;

import java.io.IOException;

/**
 * How the client's failures become the SPI's exceptions, the same for every call: 404 not found,
 * 412/409 exists, 401/403 credentials refused, lost connections, 408, 429 and 5xx unavailable.
 * Messages never carry a bearer token, an upload session id or a private key.
 */
final class GcsErrors {
    private GcsErrors() {
    }

    @FunctionalInterface
    interface GcsCall<T> {
        T call();
    }

    /** Runs a client call, classifying its failures; messages carry no credentials. */
    static <T> T call(String what, GcsCall<T> call) {
        try {
            return call.call();
        } catch (StorageException e) {
            throw e;
        } catch (BaseServiceException e) {
            int code = e.getCode();
            String message = what + ": " + scrub(e.getMessage()) + (code > 0 ? " (HTTP " + code + ")" : "");
            if (code == 404) {
                throw new ObjectNotFoundException(what);
            }
            if (code == 412 || code == 409) {
                throw new ObjectExistsException(what);
            }
            if (code == 401 || code == 403) {
                throw new AuthenticationException(message + ": Google Cloud Storage refused our credentials", null);
            }
            if (code == 0 || code == 408 || code == 429 || code >= 500 || e.isRetryable()) {
                throw new TargetUnavailableException(message, null);
            }
            throw new StorageException(message);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = what + ": " + scrub(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": "
                    + root.getMessage()));
            if (root instanceof IOException) {
                throw new TargetUnavailableException(what + ": the connection to the service failed ("
                        + scrub(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")", null);
            }
            throw new StorageException(message);
        }
    }

    /** Removes bearer tokens and upload session ids from text that may quote a request. */
    static String scrub(String text) {
        if (text == null) {
            return "";
        }
        return text.replaceAll("ya29\\.[A-Za-z0-9._\\-]+", "[token]")
                .replaceAll("(?i)(upload_id=)[^&\\s\"']+", "$1[redacted]")
                .replaceAll("-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----", "[private key]");
    }
}
