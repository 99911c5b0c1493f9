package dev.heirloom.provider.s3;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Serves {@code s3://BUCKET/PREFIX} on Amazon S3 and on S3-compatible stores (Backblaze B2,
 * Wasabi, Cloudflare R2, MinIO, Ceph …) through the option {@code endpoint}. Credentials: the
 * options {@code accessKeyId} + {@code secretAccessKey}, or a named {@code profile}, or the AWS SDK's
 * default chain (environment, profile files, instance and container roles). The SDK's own retry
 * policy handles transient errors; core adds none on top.
 */
public final class S3TargetProvider implements StorageTargetProvider {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.optional(S3Settings.ENDPOINT, "URL of an S3-compatible service, e.g. "
                        + "https://s3.eu-central-003.backblazeb2.com (default: Amazon S3)"),
                OptionSpec.optional(S3Settings.REGION, "region, e.g. eu-central-1 (default: the SDK's default "
                        + "chain for AWS, us-east-1 with an endpoint)"),
                OptionSpec.optional(S3Settings.PATH_STYLE, "address buckets as https://host/bucket (default: true "
                        + "with an endpoint, false for AWS)"),
                OptionSpec.optional(S3Settings.PROFILE, "named profile of ~/.aws/credentials and ~/.aws/config"),
                OptionSpec.optional(S3Settings.ACCESS_KEY_ID, "access key ID (with secretAccessKey)"),
                OptionSpec.secret(S3Settings.SECRET_ACCESS_KEY, "secret access key; give it as ${env:NAME}"),
                OptionSpec.secret(S3Settings.SESSION_TOKEN, "session token of temporary credentials"),
                OptionSpec.optional(S3Settings.STORAGE_CLASS, "storage class of file contents: STANDARD, STANDARD_IA, "
                        + "ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, or GLACIER / DEEP_ARCHIVE (a restore then "
                        + "needs a retrieval first); snapshots and folders always stay in STANDARD"),
                OptionSpec.optional(S3Settings.CREATE_BUCKET, "create the bucket when missing (true/false, default false)"),
                OptionSpec.optional(S3Settings.CONCURRENCY, "requests in flight at once (default 8)"),
                OptionSpec.optional(S3Settings.PART_SIZE, "multipart part size in MiB, 5 to 5120 (default 16); "
                        + "smaller content goes in one PUT"),
                OptionSpec.optional(S3Settings.READ_TIMEOUT, "how long a connection may stay silent before it "
                        + "counts as lost and the request is tried again, e.g. 30s or 2m (default 60s)"),
                OptionSpec.optional(S3Settings.MAX_TRIES, "tries per request by the SDK's retry policy (default 4)"),
                OptionSpec.optional(S3Settings.CHECKSUMS, "send SHA-256/CRC-32C checksums that the store checks and "
                        + "keeps (default true); false for stores that reject them: Content-MD5 only"),
                OptionSpec.optional(S3Settings.CONDITIONAL_WRITES, "whether the store honours If-None-Match "
                        + "(default: tested when the target is opened)"),
                OptionSpec.optional(S3Settings.STAGE_LARGE_FILES, "read a new large file once, uploading it while it "
                        + "is hashed, then copy it on the server to its name (true/false, default false: read it "
                        + "twice locally; worth it when the source is slower to read than a server-side copy)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        // the SDK's classes load only from here: a run without an S3 target never loads them
        return S3Target.open(S3Settings.parse(config));
    }

    /** Parses every option; connects nowhere. */
    @Override
    public void validate(TargetConfig config) {
        S3Settings.parse(config);
    }

    /**
     * The service, bucket and prefix: {@code s3://BUCKET/PREFIX} on AWS, or with an endpoint
     * {@code s3://HOST:PORT/BUCKET/PREFIX} (the endpoint's host in lower case), so that two names for
     * the same place compare equal.
     */
    @Override
    public Optional<URI> location(TargetConfig config) {
        S3Settings s;
        try {
            s = S3Settings.parse(config);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        String path = "/" + s.bucket() + (s.prefix().isEmpty() ? "" : "/" + s.prefix());
        if (s.endpoint().isEmpty()) {
            try {
                return Optional.of(new URI("s3", "amazonaws.com", path, null));
            } catch (URISyntaxException ex) {
                return Optional.empty();
            }
        }
        return Optional.of(dev.heirloom.spi.ServiceEndpoint.location("s3", s.endpoint().get(), path));
    }
}
