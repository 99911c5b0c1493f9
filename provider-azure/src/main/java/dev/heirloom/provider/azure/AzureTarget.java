package dev.heirloom.provider.azure;

import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ListPage;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A repository under a prefix of an Azure Blob Storage container, as block blobs.
 *
 * <p>A write stages blocks with deterministic, equal-length block IDs that name the block's index
 * and MD5, each sent with its transactional MD5 so the service checks it in transit, then commits
 * the block list with the whole object's Content-MD5 (and {@code If-None-Match: *} for
 * create-if-absent): the blob appears only complete. An upload cut short resumes from the
 * uncommitted blocks the service still holds whose IDs, and so contents, match. Note: Azure stores
 * the Content-MD5 of a committed block list as given and never re-hashes the blob; it proves what
 * was uploaded, not what is on disk there today.
 */
final class AzureTarget implements StorageTarget {
    /** Reads up to this size are fetched in one request into memory (folder listings, snapshots, photos). */
    private static final long SMALL_READ = 4L << 20;
    /** Tries of a read whose blob keeps being replaced under it. */
    private static final int REPLACED_WHILE_READ_TRIES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(AzureTarget.class);
    private static final HexFormat HEX = HexFormat.of();

    private final BlobContainerClient container;
    private final String prefix;
    private final AccessTier tier;
    private final long blockSize;
    private final Capabilities capabilities;
    private final AzureTargetProvider.Secrets secrets;
    private final AtomicLong resumedBytes = new AtomicLong();

    private AzureTarget(BlobContainerClient container, String prefix, AccessTier tier, long blockSize, int concurrency,
                        AzureTargetProvider.Secrets secrets) {
        this.container = container;
        this.prefix = prefix;
        this.tier = tier;
        this.blockSize = blockSize;
        this.secrets = secrets;
        this.capabilities = Capabilities.builder().serverChecksums(ChecksumAlgorithm.MD5).conditionalCreate(true)
                .atomicReplace(true).rangeRead(true).maxConcurrency(concurrency).retriesInternally(true).build();
    }

    /** Builds the SDK client from the target's options (see {@link AzureTargetProvider#options()}). */
    static AzureTarget open(TargetConfig config) {
        String container = config.uri().getHost();
        if (container == null || container.isBlank()) {
            throw new InvalidConfigException("an Azure target looks like azure://CONTAINER/PREFIX, not " + config.uri());
        }
        String prefix = Optional.ofNullable(config.uri().getPath()).orElse("").replaceAll("^/+|/+$", "");
        int tries = config.intOption(AzureTargetProvider.MAX_TRIES, 4, 1, 10);
        Duration silence = AzureTargetProvider.readTimeout(config);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, tries, null,
                        Duration.ofSeconds(4), Duration.ofSeconds(120), null))
                // a server that stops answering fails the try after this silence, not after minutes
                .clientOptions(new com.azure.core.util.HttpClientOptions().setReadTimeout(silence)
                        .setResponseTimeout(silence).setWriteTimeout(silence).setConnectTimeout(Duration.ofSeconds(15)))
                .httpLogOptions(new HttpLogOptions());
        Optional<String> cs = config.option(AzureTargetProvider.CONNECTION_STRING);
        Optional<String> endpoint = config.option(AzureTargetProvider.ENDPOINT);
        Optional<String> sas = config.option(AzureTargetProvider.SAS_TOKEN);
        AzureTargetProvider.Secrets secrets = new AzureTargetProvider.Secrets(cs, sas);
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
        AccessTier tier = config.option(AzureTargetProvider.ACCESS_TIER).map(AzureTarget::tier).orElse(null);
        boolean create = config.booleanOption(AzureTargetProvider.CREATE_CONTAINER, false);
        return open(client, prefix, tier, config.intOption(AzureTargetProvider.BLOCK_SIZE, 4, 1, 4000) * 1024L * 1024L,
                config.intOption(AzureTargetProvider.CONCURRENCY, 8, 1, 64), create, secrets);
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

    static AzureTarget open(BlobContainerClient container, String prefix, AccessTier tier, long blockSize, int concurrency,
                            boolean create, AzureTargetProvider.Secrets secrets) {
        AzureTarget target = new AzureTarget(container, prefix, tier, blockSize, concurrency, secrets);
        target.call("open container " + container.getBlobContainerName(), () -> {
            if (!container.exists()) {
                if (!create) {
                    throw new InvalidConfigException("the Azure container " + container.getBlobContainerName()
                            + " does not exist; create it, or set the option createContainer: true");
                }
                container.createIfNotExists();
            }
            return null;
        });
        return target;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    long resumedBytes() {
        return resumedBytes.get();
    }

    private String name(String key) {
        ObjectKeys.check(key);
        return ObjectKeys.under(prefix, key);
    }

    private BlobClient blob(String key) {
        return container.getBlobClient(name(key));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        BlobClient blob = blob(key);
        return call("stat " + key, () -> {
            try {
                return Optional.of(info(key, blob.getProperties()));
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        BlobClient blob = blob(key);
        return call("read " + key, () -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return readVersion(blob, key, offset, length);
                } catch (BlobStorageException e) {
                    // 412: the blob was replaced between finding its version and reading it; read the new one
                    if (e.getStatusCode() != 412 || attempt >= REPLACED_WHILE_READ_TRIES) {
                        throw e;
                    }
                }
            }
        });
    }

    /**
     * Reads one version of the blob (pinned by its ETag, so a concurrent replace never mixes two
     * versions): a small range into memory in one request, a larger one as a stream (which fails
     * rather than continue with another version).
     */
    private InputStream readVersion(BlobClient blob, String key, long offset, long length) {
        BlobProperties props;
        try {
            props = blob.getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            throw e;
        }
        if (AccessTier.ARCHIVE.equals(props.getAccessTier())) {
            throw new StorageException(key + " is in the Archive tier and cannot be read until it is rehydrated "
                    + "to hot or cool (this can take up to 15 hours; start it in the Azure portal or with "
                    + "'az storage blob set-tier --rehydrate-priority')");
        }
        long available = Math.max(0, props.getBlobSize() - offset);
        long count = length < 0 ? available : Math.min(length, available);
        if (count == 0) {
            return InputStream.nullInputStream();
        }
        if (offset == 0 && length < 0 && count <= SMALL_READ) {
            // a whole small blob: one request for the current version, whole whichever it is
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) count);
            blob.downloadStreamWithResponse(out, new BlobRange(0), null, null, false, null, com.azure.core.util.Context.NONE);
            return new java.io.ByteArrayInputStream(out.toByteArray());
        }
        BlobRequestConditions sameVersion = new BlobRequestConditions().setIfMatch(props.getETag());
        if (count <= SMALL_READ) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) count);
            blob.downloadStreamWithResponse(out, new BlobRange(offset, count), null, sameVersion, false, null,
                    com.azure.core.util.Context.NONE);
            return new java.io.ByteArrayInputStream(out.toByteArray());
        }
        return blob.openInputStream(new BlobInputStreamOptions().setRange(new BlobRange(offset, count))
                .setRequestConditions(sameVersion));
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("an Azure container (immutability policies are not used yet)");
        BlockBlobClient blob = blob(key).getBlockBlobClient();
        return call("write " + key, () -> {
            if (options.ifAbsent() && blob.exists()) {
                throw new ObjectExistsException(key);
            }
            Map<String, Long> staged = content.size() > blockSize ? uncommitted(blob) : Map.of();
            WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
            Optional<String> knownMd5 = content.knownChecksums().get(ChecksumAlgorithm.MD5);
            MultiDigest wholeMd5 = MultiDigest.exactly(knownMd5.isPresent() ? Set.of() : Set.of(ChecksumAlgorithm.MD5));
            List<String> ids = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(blockSize, Math.max(1, content.size()))];
            try (InputStream in = content.open()) {
                for (int index = 0; ; index++) {
                    int n = in.readNBytes(buffer, 0, buffer.length);
                    if (n == 0) {
                        break;
                    }
                    verifier.update(buffer, 0, n);
                    wholeMd5.update(buffer, 0, n);
                    if (verifier.overflowed()) {
                        break;
                    }
                    byte[] md5 = md5(buffer, n);
                    String id = Base64.getEncoder().encodeToString(
                            String.format("%06d-%s", index, HEX.formatHex(md5)).getBytes(StandardCharsets.US_ASCII));
                    ids.add(id);
                    Long already = staged.get(id);
                    if (already != null && already == n) {
                        resumedBytes.addAndGet(n);
                        continue;
                    }
                    blob.stageBlockWithResponse(id, new ByteArrayInputStream(buffer, 0, n), n, md5, null, null, Context.NONE);
                }
            } catch (IOException e) {
                throw new StorageException("write " + key + ": reading the content to upload failed: " + e.getMessage(), e);
            }
            verifier.verify();
            byte[] contentMd5 = HEX.parseHex(knownMd5.orElseGet(() -> wholeMd5.finish().get(ChecksumAlgorithm.MD5).orElseThrow()));
            BlockBlobCommitBlockListOptions commit = new BlockBlobCommitBlockListOptions(ids)
                    .setHeaders(new BlobHttpHeaders().setContentMd5(contentMd5)).setTier(tier);
            if (options.ifAbsent()) {
                commit.setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
            }
            try {
                blob.commitBlockListWithResponse(commit, null, Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                    throw new ObjectExistsException(key);
                }
                throw e;
            }
            if (!staged.isEmpty()) {
                LOG.info("resumed the upload of {} from {} staged blocks", key, staged.size());
            }
            return info(key, blob.getProperties());
        });
    }

    private static Map<String, Long> uncommitted(BlockBlobClient blob) {
        try {
            Map<String, Long> blocks = new HashMap<>();
            for (Block b : blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks()) {
                blocks.put(b.getName(), b.getSizeLong());
            }
            return blocks;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Map.of();
            }
            throw e;
        }
    }

    private static byte[] md5(byte[] data, int length) {
        MultiDigest d = MultiDigest.exactly(Set.of(ChecksumAlgorithm.MD5));
        d.update(data, 0, length);
        return HEX.parseHex(d.finish().get(ChecksumAlgorithm.MD5).orElseThrow());
    }

    @Override
    public void delete(String key) {
        BlobClient blob = blob(key);
        call("delete " + key, blob::deleteIfExists);
    }

    @Override
    public ListPage list(String listPrefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(listPrefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        String full = listPrefix.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : ObjectKeys.under(prefix, listPrefix);
        return call("list " + listPrefix, () -> {
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(full).setMaxResultsPerPage(pageSize);
            Iterator<PagedResponse<BlobItem>> pages = container.listBlobs(options, pageToken.orElse(null), null)
                    .iterableByPage(pageToken.orElse(null), pageSize).iterator();
            if (!pages.hasNext()) {
                return ListPage.of(List.of(), Optional.empty());
            }
            PagedResponse<BlobItem> page = pages.next();
            List<ObjectInfo> objects = new ArrayList<>();
            for (BlobItem item : page.getValue()) {
                if (item.isPrefix() != null && item.isPrefix()) {
                    continue;
                }
                var p = item.getProperties();
                objects.add(ObjectInfo.of(ObjectKeys.relative(prefix, item.getName()), p.getContentLength(),
                        Optional.ofNullable(p.getLastModified()).map(t -> t.toInstant()), md5Of(p.getContentMd5())));
            }
            String next = page.getContinuationToken();
            return ListPage.of(objects, next == null || next.isEmpty() ? Optional.empty() : Optional.of(next));
        });
    }

    @Override
    public void close() {
        // the SDK's HTTP client is shared and needs no closing
    }

    private static ObjectInfo info(String key, BlobProperties p) {
        return ObjectInfo.of(key, p.getBlobSize(), Optional.ofNullable(p.getLastModified()).map(t -> t.toInstant()),
                md5Of(p.getContentMd5()));
    }

    private static Checksums md5Of(byte[] md5) {
        return md5 == null || md5.length == 0 ? Checksums.none()
                : new Checksums(Map.of(ChecksumAlgorithm.MD5, HEX.formatHex(md5)));
    }

    @FunctionalInterface
    private interface AzureCall<T> {
        T call();
    }

    /** Runs an SDK call, classifying its failures and keeping credentials out of messages. */
    private <T> T call(String what, AzureCall<T> call) {
        try {
            return call.call();
        } catch (StorageException e) {
            throw e;
        } catch (BlobStorageException e) {
            int status = e.getStatusCode();
            String message = what + ": " + secrets.scrub(e.getErrorCode() == null ? "HTTP " + status
                    : e.getErrorCode() + " (HTTP " + status + ")");
            if (status == 404) {
                throw new ObjectNotFoundException(what);
            }
            if (status == 409 || status == 412) {
                throw new ObjectExistsException(what);
            }
            if (status == 401 || status == 403) {
                throw new AuthenticationException(message + ": the storage account refused our credentials", null);
            }
            if (status == 408 || status == 429 || status >= 500) {
                throw new TargetUnavailableException(message, null);
            }
            throw new StorageException(message);
        } catch (RuntimeException e) {
            Throwable root = root(e);
            String message = what + ": " + secrets.scrub(root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()));
            if (root instanceof IOException || root instanceof java.util.concurrent.TimeoutException) {
                throw new TargetUnavailableException(message, null);
            }
            throw new StorageException(message);
        }
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
