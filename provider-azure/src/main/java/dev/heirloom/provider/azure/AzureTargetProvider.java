package dev.heirloom.provider.azure;

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
    static final String READ_TIMEOUT = "readTimeout";

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
                OptionSpec.optional(MAX_TRIES, "tries per request by the SDK's retry policy (default 4)"),
                OptionSpec.optional(READ_TIMEOUT, "how long a connection may stay silent before the try counts as "
                        + "failed, e.g. 30s (default 60s)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        // the SDK's classes load only from here: a run without an Azure target never loads (nor
        // verifies the signatures of) its jars
        return AzureTarget.open(config);
    }

    /** Checks the URI, the credentials' presence and every option's value; connects nowhere, loads no SDK class. */
    @Override
    public void validate(TargetConfig config) {
        container(config);
        config.intOption(MAX_TRIES, 4, 1, 10);
        readTimeout(config);
        config.intOption(BLOCK_SIZE, 4, 1, 4000);
        config.intOption(CONCURRENCY, 8, 1, 64);
        config.booleanOption(CREATE_CONTAINER, false);
        config.option(ACCESS_TIER).ifPresent(v -> {
            if (!List.of("hot", "cool", "cold", "archive").contains(v.trim().toLowerCase(Locale.ROOT))) {
                throw new InvalidConfigException("accessTier must be hot, cool, cold or archive, not '" + v + "'");
            }
        });
        if (config.option(CONNECTION_STRING).isEmpty() && config.option(ENDPOINT).isEmpty()) {
            throw new InvalidConfigException("an Azure target needs the option connectionString, or endpoint "
                    + "(with sasToken, or the Azure default credential chain)");
        }
        config.option(ENDPOINT).ifPresent(AzureTargetProvider::httpUrl);
    }

    /**
     * The account's blob endpoint, container and prefix, as
     * {@code azure://HOST:PORT/[ACCOUNT/]CONTAINER/PREFIX} (the account is in the path for Azurite's
     * path-style endpoints), from the endpoint option or the connection string. No secret is in it.
     */
    @Override
    public Optional<URI> location(TargetConfig config) {
        try {
            Optional<URI> endpoint = blobEndpoint(config);
            String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "")
                    .replaceAll("/+", "/");
            String path = "/" + container(config) + (prefix.isEmpty() ? "" : "/" + prefix);
            return endpoint.map(e -> ServiceEndpoint.location("azure", e, path));
        } catch (InvalidConfigException e) {
            return Optional.empty();
        }
    }

    static java.time.Duration readTimeout(TargetConfig config) {
        return config.durationOption(READ_TIMEOUT, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1),
                java.time.Duration.ofMinutes(30));
    }

    private static String container(TargetConfig config) {
        String container = config.uri().getHost();
        if (container == null || container.isBlank()) {
            throw new InvalidConfigException("an Azure target looks like azure://CONTAINER/PREFIX, not " + config.uri());
        }
        return container.toLowerCase(Locale.ROOT);
    }

    /** The blob service endpoint the configuration names, when it can be told without the SDK. */
    private static Optional<URI> blobEndpoint(TargetConfig config) {
        Optional<String> endpoint = config.option(ENDPOINT);
        if (endpoint.isPresent()) {
            return Optional.of(httpUrl(endpoint.get()));
        }
        Optional<String> cs = config.option(CONNECTION_STRING);
        if (cs.isEmpty()) {
            return Optional.empty();
        }
        java.util.Map<String, String> parts = new java.util.HashMap<>();
        for (String part : cs.get().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            return Optional.of(URI.create("http://127.0.0.1:10000/devstoreaccount1"));
        }
        if (parts.containsKey("blobendpoint")) {
            return Optional.of(httpUrl(parts.get("blobendpoint")));
        }
        String account = parts.get("accountname");
        if (account == null) {
            return Optional.empty();
        }
        String protocol = parts.getOrDefault("defaultendpointsprotocol", "https");
        String suffix = parts.getOrDefault("endpointsuffix", "core.windows.net");
        return Optional.of(httpUrl(protocol + "://" + account + ".blob." + suffix));
    }

    private static URI httpUrl(String value) {
        return ServiceEndpoint.parse(value, "the Azure endpoint");
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
