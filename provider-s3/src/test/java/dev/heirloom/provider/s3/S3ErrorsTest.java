package dev.heirloom.provider.s3;

import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InsufficientStorageException;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK's failures become the SPI's classes, and no secret survives into a message. */
class S3ErrorsTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final S3Errors errors = new S3Errors(new S3Settings.Credentials(Optional.empty(), Optional.of("AKIAEXAMPLE"),
            Optional.of(SECRET), Optional.of("session-token-xyz")));

    private static S3Exception service(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("failed with " + SECRET)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("detail " + SECRET
                        + " session-token-xyz").build()).build();
    }

    private StorageException translate(int status, String code) {
        return errors.translate("write objects/ab", service(status, code));
    }

    @Test
    void eachFailureGetsTheClassTheSpiAsksFor() {
        assertThat(translate(403, "AccessDenied")).isInstanceOf(AuthenticationException.class);
        assertThat(translate(403, "SignatureDoesNotMatch")).isInstanceOf(AuthenticationException.class);
        assertThat(translate(400, "ExpiredToken")).isInstanceOf(AuthenticationException.class);
        assertThat(translate(404, "NoSuchKey")).isInstanceOf(ObjectNotFoundException.class);
        assertThat(translate(412, "PreconditionFailed")).isInstanceOf(ObjectExistsException.class);
        assertThat(translate(409, "ConditionalRequestConflict")).isInstanceOf(ObjectExistsException.class);
        assertThat(translate(503, "SlowDown")).isInstanceOf(TargetUnavailableException.class);
        assertThat(translate(429, "TooManyRequests")).isInstanceOf(TargetUnavailableException.class);
        assertThat(translate(500, "InternalError")).isInstanceOf(TargetUnavailableException.class);
        assertThat(translate(403, "QuotaExceeded")).isInstanceOf(InsufficientStorageException.class);
        assertThat(translate(507, "XMinioStorageFull")).isInstanceOf(InsufficientStorageException.class);
        assertThat(translate(400, "InvalidArgument")).isExactlyInstanceOf(StorageException.class);
        assertThat(translate(403, "InvalidObjectState")).isExactlyInstanceOf(StorageException.class);
        assertThat(errors.translate("read x", SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new IOException("Connection refused")).build())).isInstanceOf(TargetUnavailableException.class);
    }

    @Test
    void messagesNameTheOperationAndNeverASecret() {
        for (StorageException e : new StorageException[] {translate(403, "AccessDenied"), translate(500, "InternalError"),
                translate(400, "InvalidArgument")}) {
            assertThat(e.getMessage()).contains("write objects/ab").doesNotContain(SECRET).doesNotContain("session-token-xyz");
        }
        assertThat(errors.scrub("GET /x?X-Amz-Signature=0123abcdef&X-Amz-Credential=AKIAEXAMPLE"))
                .contains("X-Amz-Signature=[redacted]").doesNotContain("0123abcdef");
    }
}
