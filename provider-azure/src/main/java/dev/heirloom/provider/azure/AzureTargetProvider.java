package dev.heirloom.provider.azure;

import com.azure.core.http.policy.HttpLogOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
        String container = config.uri().getHost();
        if (container == null || container.isBlank()) {
            throw new InvalidConfigException("an Azure target looks like azure://CONTAINER/PREFIX, not " + config.uri());
        }
        String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "");
        int tries = config.intOption(MAX_TRIES, 4, 1, 10);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, tries, Duration.ofSeconds(60),
                        Duration.ofSeconds(4), Duration.ofSeconds(120), null))
                .httpLogOptions(new HttpLogOptions());
        Optional<String> cs = config.option(CONNECTION_STRING);
        Optional<String> endpoint = config.option(ENDPOINT);
        Optional<String> sas = config.option(SAS_TOKEN);
        Secrets secrets = new Secrets(cs, sas);
        try {
            if (cs.isPresent()) {
                builder.connectionString(cs.get());
            } else if (endpoint.isPresent()) {
                builder.endpoint(endpoint.get());
                if (sas.isPresent()) {
                    builder.sasToken(sas.get());
                } else {
                    builder.credential(new DefaultAzureCredentialBuilder().build());
                }
            } else {
                throw new InvalidConfigException("an Azure target needs the option connectionString, or endpoint "
                        + "(with sasToken, or the Azure default credential chain)");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("invalid Azure credentials or endpoint: " + secrets.scrub(e.getMessage()));
        }
        BlobServiceClient service = builder.buildClient();
        BlobContainerClient client = service.getBlobContainerClient(container);
        AccessTier tier = config.option(ACCESS_TIER).map(AzureTargetProvider::tier).orElse(null);
        boolean create = config.booleanOption(CREATE_CONTAINER, false);
        return AzureTarget.open(client, prefix, tier, config.intOption(BLOCK_SIZE, 4, 1, 4000) * 1024L * 1024L,
                config.intOption(CONCURRENCY, 8, 1, 64), create, secrets);
    }

    private static AccessTier tier(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "hot" -> AccessTier.HOT;
            case "cool" -> AccessTier.COOL;
            case "cold" -> AccessTier.COLD;
            case "archive" -> AccessTier.ARCHIVE;
            default -> throw new InvalidConfigException("accessTier must be hot, cool, cold or archive, not '" + value + "'");
        };
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
