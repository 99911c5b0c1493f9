package dev.heirloom.provider.s3;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ObjectKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.util.UUID;

/** What is found out about a bucket when a target is opened: that it exists, and whether the store enforces If-None-Match. */
final class BucketChecks {
    private static final Logger LOG = LoggerFactory.getLogger(BucketChecks.class);

    private BucketChecks() {
    }

    /**
     * Whether the store refuses a second create-if-absent of the same key: writes a probe object
     * twice with {@code If-None-Match: *} and removes it. A store that ignores the header lets the
     * second write through.
     */
    static boolean honoursIfNoneMatch(S3Client s3, S3Settings settings, S3Errors errors) {
        String name = ObjectKeys.under(settings.prefix(), S3Target.INTERNAL + "probe-" + UUID.randomUUID());
        PutObjectRequest put = PutObjectRequest.builder().bucket(settings.bucket()).key(name).ifNoneMatch("*")
                .contentLength(0L).build();
        try {
            s3.putObject(put, RequestBody.empty());
            try {
                s3.putObject(put, RequestBody.empty());
                LOG.warn("s3://{}: the store ignores If-None-Match; create-if-absent is check-then-act, safe only "
                        + "with one writer at a time", settings.bucket());
                return false;
            } catch (SdkException e) {
                int status = S3Errors.status(e);
                if (status == 412 || status == 409) {
                    return true;
                }
                throw errors.translate("check whether the store honours If-None-Match", e);
            } finally {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(name));
            }
        } catch (SdkException e) {
            if (S3Errors.status(e) == 403) {
                // read-only credentials: nothing will be created through them anyway
                return false;
            }
            throw errors.translate("check whether the store honours If-None-Match", e);
        }
    }

    /** Checks that the bucket exists (creating it when asked to). */
    static void existsOrCreate(S3Client s3, S3Settings settings, S3Errors errors) {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            if (S3Errors.status(e) != 404) {
                throw errors.translate("open bucket " + settings.bucket(), e);
            }
            if (!settings.createBucket()) {
                throw new InvalidConfigException("the S3 bucket " + settings.bucket() + " does not exist; create it, "
                        + "or set the option createBucket: true");
            }
            errors.call("create bucket " + settings.bucket(), () -> s3.createBucket(b -> {
                b.bucket(settings.bucket());
                settings.region().filter(r -> !r.equals("us-east-1") && settings.endpoint().isEmpty())
                        .ifPresent(r -> b.createBucketConfiguration(c -> c.locationConstraint(r)));
            }));
        }
    }
}
