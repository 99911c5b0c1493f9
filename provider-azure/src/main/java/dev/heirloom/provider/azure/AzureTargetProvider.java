package dev.heirloom.provider.azure;

import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;
import java.util.Optional;

/**
 * Serves {@code azure://<container>/<prefix>}. Credentials: {@code connectionString}, or
 * {@code endpoint} with {@code sasToken}, or {@code endpoint} alone with the Azure default
 * credential chain (managed identity, environment, Azure CLI). The SDK's own retry policy
 * handles transient errors; core adds none on top.
 */
public final class AzureTargetProvider implements StorageTargetProvider {
    static final String CONNECTION_STRING = "connectionString";
    static final String ENDPOINT = "endpoint";
    static final String SAS_TOKEN = "sasToken";
    static final String ACCESS_TIER = "accessTier";
    static final String BLOCK_SIZE = "blockSizeMiB";
    static final String CONCURRENCY = "concurrency";
    static final String CREATE_CONTAINER = "createContainer";
    static final String MAX_TRIES = "maxTries";

    @Override
    public String scheme() {
        return "azure";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.secret(CONNECTION_STRING, "storage account connection string"),
                OptionSpec.optional(ENDPOINT, "blob service endpoint, e.g. https://ACCOUNT.blob.core.windows.net"),
                OptionSpec.secret(SAS_TOKEN, "shared access signature for the endpoint"),
                OptionSpec.optional(ACCESS_TIER, "tier of new blobs: hot, cool, cold or archive (default: the account's)"),
                OptionSpec.optional(BLOCK_SIZE, "block size in MiB (default 4)"),
                OptionSpec.optional(CONCURRENCY, "calls in flight at once (default 8)"),
                OptionSpec.optional(CREATE_CONTAINER, "create the container when missing (true/false, default false)"),
                OptionSpec.optional(MAX_TRIES, "tries per request by the SDK's retry policy (default 4)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        // the SDK's classes load only from here: a run without an Azure target never loads (nor
        // verifies the signatures of) its jars
        return AzureTarget.open(config);
    }

    /** Removes credentials from text that may quote a request (SDK messages, URLs). */
    record Secrets(Optional<String> connectionString, Optional<String> sasToken) {
        String scrub(String text) {
            if (text == null) {
                return "";
            }
            String out = text;
            if (connectionString.isPresent()) {
                out = out.replace(connectionString.get(), "[connection string]");
                for (String part : connectionString.get().split(";")) {
                    int eq = part.indexOf('=');
                    if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("AccountKey")) {
                        String key = part.substring(eq + 1).trim();
                        if (!key.isEmpty()) {
                            out = out.replace(key, "[account key]");
                        }
                    }
                }
            }
            if (sasToken.isPresent() && !sasToken.get().isBlank()) {
                out = out.replace(sasToken.get(), "[sas token]");
            }
            return out.replaceAll("(?i)(sig=)[^&\\s\"']+", "$1[redacted]");
        }
    }
}
