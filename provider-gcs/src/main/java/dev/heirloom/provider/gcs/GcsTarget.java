package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.paging.Page;
import com.google.cloud.BaseServiceException;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
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
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A repository under a prefix of a Google Cloud Storage bucket.
 *
 * <p>Objects up to one chunk go up in one multipart request; larger ones by a resumable upload
 * in chunks ({@link ResumableUploads}, whose saved session lets an upload cut by a dropped
 * connection or a killed process continue on the next try or run). Either way the object
 * appears only when complete, create-if-absent sends {@code ifGenerationMatch=0}, and the
 * CRC-32C (and MD5 when known) of the source is declared so the service refuses other bytes;
 * every other expected checksum is checked here before the last request, and on a mismatch the
 * upload is abandoned, never finalized. A new large file is staged ({@link GcsStaging}): uploaded
 * once while core hashes it, then copied on the service to its name. On a bucket with object
 * retention enabled a write may carry a Locked retention ({@link GcsRetention}). The service computes md5Hash
 * and crc32c from what it stores, so the checksum level of verification needs no download.
 */
final class GcsTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(GcsTarget.class);
    private static final HexFormat HEX = HexFormat.of();
    /** Objects up to this size (of which we want a whole range) are read in one request. */
    private static final long SMALL_READ = 4L * 1024 * 1024;
    /** Tries of a read whose object keeps being replaced under it. */
    private static final int REPLACED_WHILE_READ_TRIES = 5;
    /** Where staged content waits, under the prefix; never listed. */
    static final String STAGING = GcsStaging.STAGING;

    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final StorageClass storageClass;
    private final int chunkSize;
    private final Capabilities capabilities;
    private final JsonApiUploads uploads;
    private final ResumableUploads resumable;
    private final GcsStaging staging;

    private GcsTarget(Storage storage, String bucket, String prefix, StorageClass storageClass, int chunkSize,
                      int concurrency, Path resumeDir, int maxTries, boolean staging, boolean objectLock) {
        this.storage = storage;
        this.uploads = new JsonApiUploads(storage.getOptions().getHost(), storage.getOptions().getCredentials(), maxTries);
        this.resumable = new ResumableUploads(uploads, bucket, chunkSize, resumeDir);
        this.bucket = bucket;
        this.prefix = prefix;
        this.storageClass = storageClass;
        this.chunkSize = chunkSize;
        this.staging = new GcsStaging(this, storage, bucket, prefix, storageClass, chunkSize, resumable);
        // CRC-32C alone: the service computes it for every object (composite ones have no MD5),
        // refuses an upload that misses it, and it catches decay; hashing MD5 too cost more CPU
        // than SHA-256 and CRC-32C together
        this.capabilities = Capabilities.builder().serverChecksums(ChecksumAlgorithm.CRC32C)
                .conditionalCreate(true).atomicReplace(true).rangeRead(true).maxConcurrency(concurrency)
                .retriesInternally(true).staging(staging).objectLock(objectLock).build();
    }

    static GcsTarget open(Storage storage, String bucket, String prefix, StorageClass storageClass, int chunkSize,
                          int concurrency, Path resumeDir, int maxTries, boolean staging) {
        GcsErrors.call("open bucket " + bucket, () -> {
            try {
                storage.list(bucket, Storage.BlobListOption.pageSize(1), Storage.BlobListOption.prefix(prefix.isEmpty() ? "" : prefix + "/"),
                        Storage.BlobListOption.fields(Storage.BlobField.NAME));
            } catch (com.google.cloud.storage.StorageException e) {
                if (e.getCode() == 404) {
                    throw new InvalidConfigException("the Google Cloud Storage bucket " + bucket + " does not exist; create it first");
                }
                throw e;
            }
            return null;
        });
        boolean objectLock = GcsErrors.call("read the settings of bucket " + bucket, () -> GcsRetention.enabled(storage, bucket));
        return new GcsTarget(storage, bucket, prefix, storageClass, chunkSize, concurrency, resumeDir, maxTries, staging,
                objectLock);
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Bytes that resumed uploads did not send again. */
    long resumedBytes() {
        return resumable.resumedBytes();
    }

    private String name(String key) {
        ObjectKeys.check(key);
        return ObjectKeys.under(prefix, key);
    }

    BlobId id(String key) {
        return BlobId.of(bucket, name(key));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String name = name(key);
        return GcsErrors.call("stat " + key, () -> uploads.metadata(bucket, name, "size,md5Hash,crc32c,updated,generation,retention,retentionExpirationTime")
                .map(o -> objectInfo(key, o, 0)));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        BlobId id = id(key);
        return GcsErrors.call("read " + key, () -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return readGeneration(id, key, offset, length);
                } catch (BaseServiceException e) {
                    // 412 or 404 of the pinned generation: replaced between finding it and reading it
                    boolean replaced = e.getCode() == 412 || e.getCode() == 404;
                    if (!replaced || attempt >= REPLACED_WHILE_READ_TRIES) {
                        throw e;
                    }
                }
            }
        });
    }

    /** Reads one generation of the object, so that a concurrent replace never mixes two versions. */
    private InputStream readGeneration(BlobId id, String key, long offset, long length) {
        Blob blob = storage.get(id, Storage.BlobGetOption.fields(Storage.BlobField.SIZE, Storage.BlobField.GENERATION));
        if (blob == null) {
            throw new ObjectNotFoundException(key);
        }
        long available = Math.max(0, blob.getSize() - offset);
        long count = length < 0 ? available : Math.min(length, available);
        if (count == 0) {
            return InputStream.nullInputStream();
        }
        // pin the generation read, so a concurrent replace cannot mix two versions
        BlobId pinned = BlobId.of(bucket, id.getName(), blob.getGeneration());
        if (offset == 0 && length < 0 && count <= SMALL_READ) {
            // a whole small object (folder listings, snapshots, photos): one request for whichever
            // generation is current, so a concurrent replace gives one whole version or the other
            return new java.io.ByteArrayInputStream(storage.readAllBytes(id));
        }
        // a range: the channel asks for that range only (a whole download would cost the object's size)
        ReadChannel channel = storage.reader(pinned);
        channel.setChunkSize(count <= SMALL_READ ? (int) count
                : Math.max(2 * 1024 * 1024, Math.min(chunkSize, 16 * 1024 * 1024)));
        try {
            channel.seek(offset);
        } catch (IOException e) {
            channel.close();
            throw new TargetUnavailableException("read " + key + ": " + e.getMessage(), null);
        }
        channel.limit(offset + count);
        return Channels.newInputStream(channel);
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        BlobId id = id(key);
        requireLock(options);
        return GcsErrors.call("write " + key, () -> {
            try {
                return content.size() <= chunkSize ? writeSmall(key, id, content, options) : writeResumable(key, id, content, options);
            } catch (ObjectExistsException e) {
                // uploads go through JsonApiUploads, which retries: a 412 may be our own landed try
                if (options.ifAbsent()) {
                    return sameContentOrExists(key, content, options);
                }
                throw e;
            } catch (AuthenticationException e) {
                throw GcsRetention.explain(key, e, this::stat);
            }
        });
    }

    void requireLock(WriteOptions options) {
        if (options.retainUntil().isPresent() && !capabilities.objectLock()) {
            throw new UnsupportedOperationException("bucket " + bucket + " does not have object retention enabled, "
                    + "so objects in it cannot be locked");
        }
    }

    /** Sets a Locked retention, or moves it later; a later one already set stays. */
    @Override
    public ObjectInfo extendRetention(String key, Instant until) {
        if (!capabilities.objectLock()) {
            throw new UnsupportedOperationException("bucket " + bucket + " does not have object retention enabled");
        }
        String name = name(key);
        try {
            return GcsErrors.call("lock " + key, () -> uploads.retain(bucket, name, until)
                    .map(o -> objectInfo(key, o, 0)).orElseThrow(() -> new ObjectNotFoundException(key)));
        } catch (StorageException refused) {
            if (refused.isTransient() || refused instanceof ObjectNotFoundException) {
                throw refused;
            }
            // the service will not bring a retention forward: one reaching past until stands (one
            // request for the usual case, a second only when the lock was already longer)
            ObjectInfo now = stat(key).orElseThrow(() -> new ObjectNotFoundException(key));
            if (now.retainUntil().filter(t -> !t.isBefore(until)).isPresent()) {
                return now;
            }
            throw refused;
        }
    }

    /** See {@link GcsStaging#stage}. */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        return staging.stage(stageName, content);
    }

    /** Staged content never published (a killed run's); nothing else is touched. */
    @Override
    public long removeInterruptedUploads() {
        return staging.removeInterruptedUploads();
    }

    /**
     * An if-absent write found the object: when it holds exactly these bytes (a retry of a write
     * that landed), that is success; otherwise the object exists.
     */
    private ObjectInfo sameContentOrExists(String key, ContentSource content, WriteOptions options) {
        return sameContentOrExists(key, content.size(), options);
    }

    ObjectInfo sameContentOrExists(String key, long size, WriteOptions options) {
        Checksums wanted = options.expected();
        // only a checksum the service computed can tell our bytes from another writer's of the same size
        boolean comparable = wanted.get(ChecksumAlgorithm.MD5).isPresent() || wanted.get(ChecksumAlgorithm.CRC32C).isPresent();
        Optional<ObjectInfo> there = comparable ? stat(key) : Optional.empty();
        if (there.isPresent() && there.get().matches(size, wanted)) {
            return there.get();
        }
        throw new ObjectExistsException(key);
    }

    private ObjectInfo writeSmall(String key, BlobId id, ContentSource content, WriteOptions options) {
        return objectInfo(key, sendSmall(key, id.getName(), content, options.expected(), storageClassName(),
                options.retainUntil(), options.ifAbsent()), content.size());
    }

    /**
     * Uploads content up to one chunk in one request, after checking it against every expected
     * checksum the source does not vouch for, declaring its CRC-32C (and MD5 when known) so the
     * service refuses other bytes.
     */
    JsonNode sendSmall(String key, String name, ContentSource content, Checksums expected,
                               Optional<String> storageClass, Optional<Instant> retainUntil, boolean ifAbsent) {
        byte[] data;
        try (InputStream in = content.open()) {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, content.size() + 1));
        } catch (IOException e) {
            throw new StorageException("write " + key + ": reading the content to upload failed: " + e.getMessage(), e);
        }
        WriteVerifier verifier = new WriteVerifier(key, content, expected);
        verifier.update(data, 0, data.length);
        Checksums declared = verifier.verify();
        if (declared.get(ChecksumAlgorithm.CRC32C).isEmpty()) {
            MultiDigest crc = MultiDigest.exactly(Set.of(ChecksumAlgorithm.CRC32C));
            crc.update(data, 0, data.length);
            declared = merge(declared, crc.finish());
        }
        return uploads.single(bucket, name, data, data.length, declared, storageClass, retainUntil, ifAbsent);
    }

    private static Checksums merge(Checksums a, Checksums b) {
        Map<ChecksumAlgorithm, String> all = new EnumMap<>(ChecksumAlgorithm.class);
        all.putAll(a.values());
        all.putAll(b.values());
        return new Checksums(all);
    }

    private ObjectInfo writeResumable(String key, BlobId id, ContentSource content, WriteOptions options) {
        Checksums declared = merge(content.knownChecksums(), options.expected());
        // keyed by the SHA-256 (or, for ciphertext made the same on every try, the content's identity)
        // so that a saved session is only resumed with the same bytes
        return objectInfo(key, resumable.send(key, id.getName(), content, declared, options.expected(), storageClassName(),
                options.retainUntil(), options.ifAbsent(), declared.get(ChecksumAlgorithm.SHA256).or(content::identity)),
                content.size());
    }

    private Optional<String> storageClassName() {
        return Optional.ofNullable(storageClass).map(StorageClass::name);
    }

    /** Our view of the object metadata the service returned. */
    static ObjectInfo objectInfo(String key, JsonNode o, long size) {
        Map<ChecksumAlgorithm, String> sums = new EnumMap<>(ChecksumAlgorithm.class);
        if (o.hasNonNull("md5Hash")) {
            sums.put(ChecksumAlgorithm.MD5, HEX.formatHex(Base64.getDecoder().decode(o.get("md5Hash").asText())));
        }
        if (o.hasNonNull("crc32c")) {
            sums.put(ChecksumAlgorithm.CRC32C, HEX.formatHex(Base64.getDecoder().decode(o.get("crc32c").asText())));
        }
        return ObjectInfo.of(key, o.path("size").asLong(size),
                Optional.ofNullable(o.get("updated")).map(u -> Instant.parse(u.asText())), new Checksums(sums))
                .withRetainUntil(GcsRetention.until(o));
    }

    @Override
    public void delete(String key) {
        BlobId id = id(key);
        try {
            GcsErrors.call("delete " + key, () -> storage.delete(id));
        } catch (AuthenticationException e) {
            throw GcsRetention.explain(key, e, this::stat);
        }
    }

    @Override
    public ListPage list(String listPrefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(listPrefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        String full = listPrefix.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : ObjectKeys.under(prefix, listPrefix);
        return GcsErrors.call("list " + listPrefix, () -> {
            List<Storage.BlobListOption> opts = new ArrayList<>(List.of(Storage.BlobListOption.prefix(full),
                    Storage.BlobListOption.pageSize(pageSize), Storage.BlobListOption.fields(Storage.BlobField.NAME,
                            Storage.BlobField.SIZE, Storage.BlobField.MD5HASH, Storage.BlobField.CRC32C, Storage.BlobField.UPDATED,
                            Storage.BlobField.RETENTION, Storage.BlobField.RETENTION_EXPIRATION_TIME)));
            pageToken.ifPresent(t -> opts.add(Storage.BlobListOption.pageToken(t)));
            Page<Blob> page = storage.list(bucket, opts.toArray(Storage.BlobListOption[]::new));
            List<ObjectInfo> objects = new ArrayList<>();
            for (Blob b : page.getValues()) {
                String key = ObjectKeys.relative(prefix, b.getName());
                if (!key.startsWith(STAGING)) {
                    objects.add(info(key, b));
                }
            }
            String next = page.getNextPageToken();
            return ListPage.of(objects, next == null || next.isEmpty() ? Optional.empty() : Optional.of(next));
        });
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception e) {
            LOG.debug("closing the storage client: {}", e.getMessage());
        }
    }

    static ObjectInfo info(String key, BlobInfo b) {
        Map<ChecksumAlgorithm, String> sums = new EnumMap<>(ChecksumAlgorithm.class);
        if (b.getMd5() != null) {
            sums.put(ChecksumAlgorithm.MD5, HEX.formatHex(Base64.getDecoder().decode(b.getMd5())));
        }
        if (b.getCrc32c() != null) {
            sums.put(ChecksumAlgorithm.CRC32C, HEX.formatHex(Base64.getDecoder().decode(b.getCrc32c())));
        }
        return ObjectInfo.of(key, b.getSize() == null ? 0 : b.getSize(),
                Optional.ofNullable(b.getUpdateTimeOffsetDateTime()).map(t -> t.toInstant()), new Checksums(sums))
                .withRetainUntil(GcsRetention.until(b));
    }
}
