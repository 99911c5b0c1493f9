package dev.heirloom.provider.gcs;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.ServiceEndpoint;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Serves {@code gs://<bucket>/<prefix>}. Credentials: {@code credentialsFile} (a service-account
 * JSON key), else the application default credentials ({@code gcloud auth application-default
 * login}, {@code GOOGLE_APPLICATION_CREDENTIALS}, or the metadata server on Google Cloud), or
 * none with {@code anonymous: true} (test servers, public buckets). The client's own retry
 * settings handle transient errors; core adds none on top.
 */
public final class GcsTargetProvider implements StorageTargetProvider {
    static final String CREDENTIALS_FILE = "credentialsFile";
    static final String ANONYMOUS = "anonymous";
    static final String PROJECT_ID = "projectId";
    static final String ENDPOINT = "endpoint";
    static final String STORAGE_CLASS = "storageClass";
    static final String CHUNK_SIZE = "chunkSizeMiB";
    static final String CONCURRENCY = "concurrency";
    static final String MAX_TRIES = "maxTries";
    static final String RESUME_DIR = "resumeDir";
    static final String READ_TIMEOUT = "readTimeout";
    static final String STAGE_LARGE_FILES = "stageLargeFiles";
    static final String READ_WRITE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_write";

    @Override
    public String scheme() {
        return "gs";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.secret(CREDENTIALS_FILE, "service-account JSON key file (default: application default credentials)"),
                OptionSpec.optional(ANONYMOUS, "send no credentials (true/false, default false): test servers, public buckets"),
                OptionSpec.optional(PROJECT_ID, "Google Cloud project (default: from the credentials)"),
                OptionSpec.optional(ENDPOINT, "JSON API root, e.g. http://127.0.0.1:4443 for a test server"),
                OptionSpec.optional(STORAGE_CLASS, "class of new objects: standard, nearline, coldline or archive"),
                OptionSpec.optional(CHUNK_SIZE, "resumable upload chunk in MiB, 1 to 256 (default 16)"),
                OptionSpec.optional(CONCURRENCY, "calls in flight at once (default 8)"),
                OptionSpec.optional(MAX_TRIES, "tries per idempotent request by the client's retry settings (default 6)"),
                OptionSpec.optional(RESUME_DIR, "where interrupted large uploads keep their session state "
                        + "(default ~/.cache/heirloom/gcs-uploads)"),
                OptionSpec.optional(STAGE_LARGE_FILES, "upload a new large file while it is hashed, then copy it to its "
                        + "name on the service, so it is read once (true/false, default true)"),
                OptionSpec.optional(READ_TIMEOUT, "how long a connection may stay silent before the request counts "
                        + "as failed, e.g. 30s (default 60s)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        // the client's classes load only from here: a run without a GCS target never loads them
        return GcsClientConfig.open(config);
    }

    /** Checks the URI and every option's value; connects nowhere and loads no client class. */
    @Override
    public void validate(TargetConfig config) {
        bucket(config);
        config.intOption(MAX_TRIES, 6, 1, 20);
        readTimeout(config);
        config.intOption(CHUNK_SIZE, 16, 1, 256);
        config.intOption(CONCURRENCY, 8, 1, 64);
        config.booleanOption(ANONYMOUS, false);
        config.booleanOption(STAGE_LARGE_FILES, true);
        config.option(STORAGE_CLASS).ifPresent(v -> {
            if (!List.of("standard", "nearline", "coldline", "archive").contains(v.trim().toLowerCase(Locale.ROOT))) {
                throw new InvalidConfigException("storageClass must be standard, nearline, coldline or archive, not '"
                        + v + "'");
            }
        });
        endpoint(config);
    }

    /**
     * The service, bucket and prefix: {@code gs://storage.googleapis.com/BUCKET/PREFIX}, or with an
     * endpoint {@code gs://HOST:PORT/BUCKET/PREFIX}, so that two spellings of one place compare equal.
     */
    @Override
    public Optional<URI> location(TargetConfig config) {
        try {
            String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "")
                    .replaceAll("/+", "/");
            String path = "/" + bucket(config) + (prefix.isEmpty() ? "" : "/" + prefix);
            return Optional.of(ServiceEndpoint.location("gs",
                    endpoint(config).orElse(URI.create("https://storage.googleapis.com")), path));
        } catch (InvalidConfigException e) {
            return Optional.empty();
        }
    }

    static java.time.Duration readTimeout(TargetConfig config) {
        return config.durationOption(READ_TIMEOUT, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1),
                java.time.Duration.ofMinutes(30));
    }

    private static String bucket(TargetConfig config) {
        String bucket = config.uri().getHost();
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidConfigException("a Google Cloud Storage target looks like gs://BUCKET/PREFIX, not "
                    + config.uri());
        }
        return bucket.toLowerCase(Locale.ROOT);
    }

    private static Optional<URI> endpoint(TargetConfig config) {
        return config.option(ENDPOINT).map(v -> ServiceEndpoint.parse(v, "option endpoint"));
    }
}
