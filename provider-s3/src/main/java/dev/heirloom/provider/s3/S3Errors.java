package dev.heirloom.provider.s3;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InsufficientStorageException;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the SDK's exceptions into the SPI's, as the SPI asks: 403 → authentication, 404 → not
 * found, 409/412 → exists, 429/5xx and network failures (after the SDK's own retries) → transient,
 * quota errors → insufficient storage. Every message passes {@link #scrub} so that no secret reaches
 * a log, a report or an exception.
 */
final class S3Errors {
    /** Error codes that mean "no space or quota left" on AWS and the common S3-compatible stores. */
    private static final Set<String> QUOTA = Set.of("QuotaExceeded", "XMinioStorageFull", "StorageFull",
            "InsufficientStorage", "EntityTooLarge", "TooManyBuckets", "AccountProblem");
    private static final Set<String> AUTH = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
            "ExpiredToken", "InvalidToken", "AllAccessDisabled", "AuthorizationHeaderMalformed");

    private final S3Settings.Credentials credentials;

    S3Errors(S3Settings.Credentials credentials) {
        this.credentials = credentials;
    }

    /** The HTTP status of a service error, or 0 when there was no answer. */
    static int status(SdkException e) {
        return e instanceof AwsServiceException s ? s.statusCode() : 0;
    }

    /** The S3 error code ({@code NoSuchKey}, {@code PreconditionFailed} …), or empty. */
    static Optional<String> code(SdkException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? Optional.ofNullable(s.awsErrorDetails().errorCode()) : Optional.empty();
    }

    /** Runs one SDK call for {@code what}, translating its failure. */
    <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StorageException e) {
            throw e;
        } catch (SdkException e) {
            throw translate(what, e);
        } catch (java.io.UncheckedIOException e) {
            throw new TargetUnavailableException(what + ": " + scrub(e.getMessage()), null);
        }
    }

    StorageException translate(String what, SdkException e) {
        int status = status(e);
        String code = code(e).orElse("");
        String detail = e instanceof AwsServiceException s && s.awsErrorDetails() != null
                && s.awsErrorDetails().errorMessage() != null ? ": " + s.awsErrorDetails().errorMessage() : "";
        String message = what + ": " + scrub(code.isEmpty() ? describe(e) : code + " (HTTP " + status + ")" + detail);
        if (QUOTA.contains(code) || status == 507) {
            return new InsufficientStorageException(message + ": the bucket's quota or the store's space is used up", null);
        }
        if (AUTH.contains(code) || status == 401 || status == 403 && !code.equals("InvalidObjectState")) {
            return new AuthenticationException(message + ": the store refused our credentials ("
                    + credentials + ") or they may not do this", null);
        }
        if (status == 404) {
            return new ObjectNotFoundException(what);
        }
        if (status == 409 || status == 412) {
            return new ObjectExistsException(what);
        }
        if (status == 408 || status == 429 || status >= 500 || code.equals("SlowDown") || code.equals("RequestTimeout")) {
            return new TargetUnavailableException(message, null);
        }
        if (e instanceof SdkClientException && (root(e) instanceof IOException || status == 0)) {
            return new TargetUnavailableException(message, null);
        }
        return new StorageException(message);
    }

    private static String describe(SdkException e) {
        Throwable root = root(e);
        return root == e ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    /** Removes the secret key and session token from text that may quote a request. */
    String scrub(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (Optional<String> secret : java.util.List.of(credentials.secretAccessKey(), credentials.sessionToken())) {
            if (secret.isPresent() && !secret.get().isBlank()) {
                out = out.replace(secret.get(), "[secret]");
            }
        }
        return out.replaceAll("(?i)(X-Amz-Signature=|Signature=)[0-9a-f%A-Z]+", "$1[redacted]");
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
