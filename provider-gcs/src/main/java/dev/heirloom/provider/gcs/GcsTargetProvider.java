package dev.heirloom.provider.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private static final String READ_WRITE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_write";

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
                        + "(default ~/.cache/heirloom/gcs-uploads)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        String bucket = config.uri().getHost();
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidConfigException("a Google Cloud Storage target looks like gs://BUCKET/PREFIX, not " + config.uri());
        }
        String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "");
        int tries = config.intOption(MAX_TRIES, 6, 1, 20);
        StorageOptions.Builder b = StorageOptions.http()
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(tries)
                        .setInitialRetryDelayDuration(Duration.ofMillis(500)).setRetryDelayMultiplier(2.0)
                        .setMaxRetryDelayDuration(Duration.ofSeconds(32)).setTotalTimeoutDuration(Duration.ofMinutes(10))
                        .build());
        config.option(ENDPOINT).ifPresent(b::setHost);
        config.option(PROJECT_ID).ifPresent(b::setProjectId);
        b.setCredentials(credentials(config));
        if (config.option(PROJECT_ID).isEmpty() && config.option(ENDPOINT).isPresent()) {
            b.setProjectId("heirloom-test");
        }
        Storage storage;
        try {
            storage = b.build().getService();
        } catch (RuntimeException e) {
            throw new InvalidConfigException("cannot set up the Google Cloud Storage client: " + e.getMessage());
        }
        StorageClass storageClass = config.option(STORAGE_CLASS).map(GcsTargetProvider::storageClass).orElse(null);
        Path resumeDir = config.option(RESUME_DIR).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "heirloom", "gcs-uploads"));
        return GcsTarget.open(storage, bucket, prefix, storageClass, config.intOption(CHUNK_SIZE, 16, 1, 256) * 1024 * 1024,
                config.intOption(CONCURRENCY, 8, 1, 64), resumeDir, tries);
    }

    private static com.google.auth.Credentials credentials(TargetConfig config) {
        Optional<String> file = config.option(CREDENTIALS_FILE);
        if (file.isPresent()) {
            Path path = Path.of(file.get());
            try (InputStream in = Files.newInputStream(path)) {
                return GoogleCredentials.fromStream(in).createScoped(READ_WRITE_SCOPE);
            } catch (IOException | RuntimeException e) {
                // the message of a parse error may quote the file; name the file only
                throw new InvalidConfigException("the credentialsFile " + path + " cannot be read as a Google service-account "
                        + "key (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (config.booleanOption(ANONYMOUS, false)) {
            return NoCredentials.getInstance();
        }
        try {
            return GoogleCredentials.getApplicationDefault().createScoped(READ_WRITE_SCOPE);
        } catch (IOException e) {
            throw new InvalidConfigException("no Google Cloud credentials: set the option credentialsFile to a service-account "
                    + "key, run 'gcloud auth application-default login', or set anonymous: true for a test server");
        }
    }

    private static StorageClass storageClass(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "standard" -> StorageClass.STANDARD;
            case "nearline" -> StorageClass.NEARLINE;
            case "coldline" -> StorageClass.COLDLINE;
            case "archive" -> StorageClass.ARCHIVE;
            default -> throw new InvalidConfigException("storageClass must be standard, nearline, coldline or archive, not '"
                    + value + "'");
        };
    }
}
