package dev.heirloom.provider.s3;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An S3 target's settings, parsed and checked from its URI and options without connecting anywhere.
 *
 * @param endpoint    an S3-compatible service's URL; empty for AWS itself
 * @param region      the signing region; empty: the SDK's default chain (AWS) or {@code us-east-1} (an endpoint)
 * @param pathStyle   {@code https://host/bucket/key} rather than {@code https://bucket.host/key}
 * @param credentials how to sign requests
 * @param storageClass the storage class of new file contents ({@code objects/}); empty: the bucket's default
 * @param partSize    bytes per multipart part; content up to this size goes in one PUT
 * @param checksums   send SHA-256 / CRC-32C checksums the store checks and keeps; false: Content-MD5 only,
 *                    for stores that reject the additional checksums
 * @param conditionalWrites empty: find out whether the store honours {@code If-None-Match} when opened
 * @param stageLargeFiles offer staging, so that a new large file is read once and copied on the server
 * @param readTimeout  how long a connection may stay silent before it counts as lost
 */
record S3Settings(String bucket, String prefix, Optional<URI> endpoint, Optional<String> region, boolean pathStyle,
                  Credentials credentials, Optional<String> storageClass, boolean createBucket, int concurrency,
                  long partSize, int maxTries, boolean checksums, Optional<Boolean> conditionalWrites,
                  boolean stageLargeFiles, java.time.Duration readTimeout) {

    static final String ENDPOINT = "endpoint";
    static final String REGION = "region";
    static final String PATH_STYLE = "pathStyle";
    static final String PROFILE = "profile";
    static final String ACCESS_KEY_ID = "accessKeyId";
    static final String SECRET_ACCESS_KEY = "secretAccessKey";
    static final String SESSION_TOKEN = "sessionToken";
    static final String STORAGE_CLASS = "storageClass";
    static final String CREATE_BUCKET = "createBucket";
    static final String CONCURRENCY = "concurrency";
    static final String PART_SIZE = "partSizeMiB";
    static final String MAX_TRIES = "maxTries";
    static final String CHECKSUMS = "checksums";
    static final String CONDITIONAL_WRITES = "conditionalWrites";
    static final String STAGE_LARGE_FILES = "stageLargeFiles";
    static final String READ_TIMEOUT = "readTimeout";

    /** Classes that stay online: reads work at once. */
    static final Set<String> ONLINE_CLASSES = Set.of("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
            "GLACIER_IR", "REDUCED_REDUNDANCY");
    /** Classes whose objects must be restored (retrieved) before they can be read. */
    static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");

    /** S3's bucket naming rules (3 to 63 of lower case letters, digits, dots and hyphens). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final long MIB = 1024L * 1024L;

    /** How requests are signed; the secret values never appear in {@link #toString()}. */
    record Credentials(Optional<String> profile, Optional<String> accessKeyId, Optional<String> secretAccessKey,
                       Optional<String> sessionToken) {
        /** Whether the SDK's default chain (environment, profile files, instance roles) is used. */
        boolean defaultChain() {
            return profile.isEmpty() && accessKeyId.isEmpty();
        }

        @Override
        public String toString() {
            return defaultChain() ? "default credential chain"
                    : profile.map(p -> "profile " + p).orElse("access key " + accessKeyId.orElse("?"));
        }
    }

    /** @throws InvalidConfigException for a URI or option value that can never work */
    static S3Settings parse(TargetConfig config) {
        URI uri = config.uri();
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidConfigException("an S3 target looks like s3://BUCKET/PREFIX, not " + uri);
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidConfigException("put no credentials in an S3 target's URI; use the options accessKeyId "
                    + "and secretAccessKey (from ${env:...}), a profile, or the default credential chain");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new InvalidConfigException("'" + bucket + "' is not a valid S3 bucket name (3 to 63 lower case "
                    + "letters, digits, dots and hyphens)");
        }
        String prefix = Optional.ofNullable(uri.getPath()).orElse("").replaceAll("^/+|/+$", "");
        if (!prefix.isEmpty()) {
            try {
                dev.heirloom.spi.ObjectKeys.check(prefix);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("the prefix of " + uri + " is not usable: " + e.getMessage());
            }
        }
        Optional<URI> endpoint = config.option(ENDPOINT).map(S3Settings::endpoint);
        Optional<String> region = config.option(REGION).map(String::trim);
        if (region.isPresent() && !region.get().matches("[a-z0-9-]{2,40}")) {
            throw new InvalidConfigException("option region must look like us-east-1, not '" + region.get() + "'");
        }
        Optional<String> profile = config.option(PROFILE).map(String::trim);
        Optional<String> keyId = config.option(ACCESS_KEY_ID).map(String::trim);
        Optional<String> secret = config.option(SECRET_ACCESS_KEY);
        Optional<String> token = config.option(SESSION_TOKEN);
        if (keyId.isPresent() != secret.isPresent()) {
            throw new InvalidConfigException("options accessKeyId and secretAccessKey go together: give both or neither");
        }
        if (profile.isPresent() && keyId.isPresent()) {
            throw new InvalidConfigException("give either the option profile or accessKeyId/secretAccessKey, not both");
        }
        if (token.isPresent() && keyId.isEmpty()) {
            throw new InvalidConfigException("option sessionToken needs accessKeyId and secretAccessKey");
        }
        Optional<String> storageClass = config.option(STORAGE_CLASS).map(S3Settings::storageClass);
        Optional<Boolean> conditional = config.option(CONDITIONAL_WRITES).isPresent()
                ? Optional.of(config.booleanOption(CONDITIONAL_WRITES, true)) : Optional.empty();
        return new S3Settings(bucket, prefix, endpoint, region,
                config.booleanOption(PATH_STYLE, endpoint.isPresent()),
                new Credentials(profile, keyId, secret, token), storageClass,
                config.booleanOption(CREATE_BUCKET, false), config.intOption(CONCURRENCY, 8, 1, 64),
                config.intOption(PART_SIZE, 16, 5, 5120) * MIB, config.intOption(MAX_TRIES, 4, 1, 10),
                config.booleanOption(CHECKSUMS, true), conditional, config.booleanOption(STAGE_LARGE_FILES, false),
                config.durationOption(READ_TIMEOUT, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofMinutes(30)));
    }

    private static URI endpoint(String text) {
        return dev.heirloom.spi.ServiceEndpoint.parse(text, "option endpoint");
    }

    private static String storageClass(String text) {
        String value = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (ONLINE_CLASSES.contains(value) || ARCHIVE_CLASSES.contains(value)) {
            return value;
        }
        throw new InvalidConfigException("option storageClass must be one of STANDARD, STANDARD_IA, ONEZONE_IA, "
                + "INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE, not '" + text + "'");
    }

    /** Whether new file contents go to a class that must be retrieved before a restore can read them. */
    boolean archiveClass() {
        return storageClass.filter(ARCHIVE_CLASSES::contains).isPresent();
    }

    @Override
    public String toString() {
        return "S3Settings[s3://" + bucket + "/" + prefix + endpoint.map(e -> " at " + e).orElse("")
                + ", " + credentials + "]";
    }
}
