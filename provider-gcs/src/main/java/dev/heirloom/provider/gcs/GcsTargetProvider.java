package dev.heirloom.provider.gcs;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;

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
                        + "(default ~/.cache/heirloom/gcs-uploads)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        // the client's classes load only from here: a run without a GCS target never loads them
        return GcsTarget.open(config);
    }
}
