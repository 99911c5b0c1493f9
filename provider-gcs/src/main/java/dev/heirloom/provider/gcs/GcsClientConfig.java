package dev.heirloom.provider.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.TargetConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** A target's options made into a configured client: retries, timeouts, endpoint, credentials, storage class. */
final class GcsClientConfig {
    private GcsClientConfig() {
    }

    /** Builds the client from the target's options (see {@link GcsTargetProvider#options()}). */
    static GcsTarget open(TargetConfig config) {
        String bucket = config.uri().getHost();
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidConfigException("a Google Cloud Storage target looks like gs://BUCKET/PREFIX, not " + config.uri());
        }
        String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "");
        int tries = config.intOption(GcsTargetProvider.MAX_TRIES, 6, 1, 20);
        StorageOptions.Builder b = StorageOptions.http()
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(tries)
                        .setInitialRetryDelayDuration(Duration.ofMillis(500)).setRetryDelayMultiplier(2.0)
                        .setMaxRetryDelayDuration(Duration.ofSeconds(32)).setTotalTimeoutDuration(Duration.ofMinutes(10))
                        .build());
        int silence = (int) GcsTargetProvider.readTimeout(config).toMillis();
        // a server that stops answering fails the request after this silence
        b.setTransportOptions(com.google.cloud.http.HttpTransportOptions.newBuilder().setConnectTimeout(15_000)
                .setReadTimeout(silence).build());
        config.option(GcsTargetProvider.ENDPOINT).ifPresent(b::setHost);
        config.option(GcsTargetProvider.PROJECT_ID).ifPresent(b::setProjectId);
        b.setCredentials(credentials(config));
        if (config.option(GcsTargetProvider.PROJECT_ID).isEmpty() && config.option(GcsTargetProvider.ENDPOINT).isPresent()) {
            b.setProjectId("heirloom-test");
        }
        Storage storage;
        try {
            storage = b.build().getService();
        } catch (RuntimeException e) {
            throw new InvalidConfigException("cannot set up the Google Cloud Storage client: " + e.getMessage());
        }
        StorageClass storageClass = config.option(GcsTargetProvider.STORAGE_CLASS).map(GcsClientConfig::storageClass).orElse(null);
        Path resumeDir = config.option(GcsTargetProvider.RESUME_DIR).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "heirloom", "gcs-uploads"));
        return GcsTarget.open(storage, bucket, prefix, storageClass, config.intOption(GcsTargetProvider.CHUNK_SIZE, 16, 1, 256) * 1024 * 1024,
                config.intOption(GcsTargetProvider.CONCURRENCY, 8, 1, 64), resumeDir, tries,
                config.booleanOption(GcsTargetProvider.STAGE_LARGE_FILES, true));
    }

    private static com.google.auth.Credentials credentials(TargetConfig config) {
        Optional<String> file = config.option(GcsTargetProvider.CREDENTIALS_FILE);
        if (file.isPresent()) {
            Path path = Path.of(file.get());
            try (InputStream in = Files.newInputStream(path)) {
                return GoogleCredentials.fromStream(in).createScoped(GcsTargetProvider.READ_WRITE_SCOPE);
            } catch (IOException | RuntimeException e) {
                // the message of a parse error may quote the file; name the file only
                throw new InvalidConfigException("the credentialsFile " + path + " cannot be read as a Google service-account "
                        + "key (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (config.booleanOption(GcsTargetProvider.ANONYMOUS, false)) {
            return NoCredentials.getInstance();
        }
        try {
            return GoogleCredentials.getApplicationDefault().createScoped(GcsTargetProvider.READ_WRITE_SCOPE);
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
