package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.paging.Page;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
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

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A repository under a prefix of a Google Cloud Storage bucket.
 *
 * <p>Objects up to one chunk go up in one multipart request; larger ones by a resumable upload
 * in chunks (see {@link JsonApiUploads}). Either way the object appears only when complete,
 * create-if-absent sends {@code ifGenerationMatch=0}, and the MD5 and CRC-32C of the source are
 * declared so the service refuses bytes that do not match them; without a declared MD5 the
 * provider checks every expected checksum itself before the last request, and abandons the
 * upload (never finalizing it) on a mismatch. A large upload's session URI is saved in {@code resumeDir} (owner-only), keyed by the
 * object, size and SHA-256, so an upload cut by a dropped connection or a killed process
 * continues from what the service holds on the next try or run (see {@link JsonApiUploads}). The service computes md5Hash and
 * crc32c from what it stores, so the checksum level of verification needs no download.
 */
final class GcsTarget implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(GcsTarget.class);
    private static final HexFormat HEX = HexFormat.of();
    /** Objects up to this size (of which we want a whole range) are read in one request. */
    private static final long SMALL_READ = 4L * 1024 * 1024;
    /** Tries of a read whose object keeps being replaced under it. */
    private static final int REPLACED_WHILE_READ_TRIES = 5;

    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final StorageClass storageClass;
    private final int chunkSize;
    private final Path resumeDir;
    private final Capabilities capabilities;
    private final JsonApiUploads uploads;
    private final AtomicLong resumedBytes = new AtomicLong();

    private GcsTarget(Storage storage, String bucket, String prefix, StorageClass storageClass, int chunkSize,
                      int concurrency, Path resumeDir, int maxTries) {
        this.storage = storage;
        this.uploads = new JsonApiUploads(storage.getOptions().getHost(), storage.getOptions().getCredentials(), maxTries);
        this.bucket = bucket;
        this.prefix = prefix;
        this.storageClass = storageClass;
        this.chunkSize = chunkSize;
        this.resumeDir = resumeDir;
        this.capabilities = Capabilities.builder().serverChecksums(ChecksumAlgorithm.MD5, ChecksumAlgorithm.CRC32C)
                .conditionalCreate(true).atomicReplace(true).rangeRead(true).maxConcurrency(concurrency)
                .retriesInternally(true).build();
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
        StorageClass storageClass = config.option(GcsTargetProvider.STORAGE_CLASS).map(GcsTarget::storageClass).orElse(null);
        Path resumeDir = config.option(GcsTargetProvider.RESUME_DIR).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "heirloom", "gcs-uploads"));
        return open(storage, bucket, prefix, storageClass, config.intOption(GcsTargetProvider.CHUNK_SIZE, 16, 1, 256) * 1024 * 1024,
                config.intOption(GcsTargetProvider.CONCURRENCY, 8, 1, 64), resumeDir, tries);
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

    static GcsTarget open(Storage storage, String bucket, String prefix, StorageClass storageClass, int chunkSize,
                          int concurrency, Path resumeDir, int maxTries) {
        GcsTarget target = new GcsTarget(storage, bucket, prefix, storageClass, chunkSize, concurrency, resumeDir, maxTries);
        target.call("open bucket " + bucket, () -> {
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
        return target;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Bytes that resumed uploads did not send again. */
    long resumedBytes() {
        return resumedBytes.get();
    }

    private String name(String key) {
        ObjectKeys.check(key);
        return ObjectKeys.under(prefix, key);
    }

    private BlobId id(String key) {
        return BlobId.of(bucket, name(key));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        BlobId id = id(key);
        return call("stat " + key, () -> Optional.ofNullable(storage.get(id, Storage.BlobGetOption.fields(
                Storage.BlobField.SIZE, Storage.BlobField.MD5HASH, Storage.BlobField.CRC32C, Storage.BlobField.UPDATED,
                Storage.BlobField.GENERATION))).map(b -> info(key, b)));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        BlobId id = id(key);
        return call("read " + key, () -> {
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
        return call("write " + key, () -> {
            try {
                return content.size() <= chunkSize ? writeSmall(key, id, content, options) : writeResumable(key, id, content, options);
            } catch (ObjectExistsException e) {
                // uploads go through JsonApiUploads, which retries: a 412 may be our own landed try
                if (options.ifAbsent()) {
                    return sameContentOrExists(key, content, options);
                }
                throw e;
            }
        });
    }

    /**
     * An if-absent write found the object: when it holds exactly these bytes (a retry of a write
     * that landed), that is success; otherwise the object exists.
     */
    private ObjectInfo sameContentOrExists(String key, ContentSource content, WriteOptions options) {
        Checksums wanted = options.expected();
        // only a checksum the service computed can tell our bytes from another writer's of the same size
        boolean comparable = wanted.get(ChecksumAlgorithm.MD5).isPresent() || wanted.get(ChecksumAlgorithm.CRC32C).isPresent();
        Optional<ObjectInfo> there = comparable ? stat(key) : Optional.empty();
        if (there.isPresent() && there.get().matches(content.size(), wanted)) {
            return there.get();
        }
        throw new ObjectExistsException(key);
    }

    private BlobInfo blobInfo(BlobId id, Checksums declared) {
        BlobInfo.Builder b = BlobInfo.newBuilder(id).setContentType("application/octet-stream");
        declared.get(ChecksumAlgorithm.MD5).ifPresent(h -> b.setMd5(Base64.getEncoder().encodeToString(HEX.parseHex(h))));
        declared.get(ChecksumAlgorithm.CRC32C).ifPresent(h -> b.setCrc32c(Base64.getEncoder().encodeToString(HEX.parseHex(h))));
        if (storageClass != null) {
            b.setStorageClass(storageClass);
        }
        return b.build();
    }

    private ObjectInfo writeSmall(String key, BlobId id, ContentSource content, WriteOptions options) {
        byte[] data;
        try (InputStream in = content.open()) {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, content.size() + 1));
        } catch (IOException e) {
            throw new StorageException("write " + key + ": reading the content to upload failed: " + e.getMessage(), e);
        }
        WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
        verifier.update(data, 0, data.length);
        Checksums verified = verifier.verify();
        // declare MD5 and CRC-32C of exactly these bytes: the service refuses the upload if they differ
        MultiDigest missing = MultiDigest.exactly(missingOf(verified));
        missing.update(data, 0, data.length);
        Checksums declared = merge(verified, missing.finish());
        return objectInfo(key, uploads.single(bucket, id.getName(), data, data.length, declared,
                Optional.ofNullable(storageClass).map(StorageClass::name), options.ifAbsent()), data.length);
    }

    private static Set<ChecksumAlgorithm> missingOf(Checksums have) {
        Set<ChecksumAlgorithm> missing = new java.util.HashSet<>();
        for (ChecksumAlgorithm a : new ChecksumAlgorithm[] {ChecksumAlgorithm.MD5, ChecksumAlgorithm.CRC32C}) {
            if (have.get(a).isEmpty()) {
                missing.add(a);
            }
        }
        return missing;
    }

    private static Checksums merge(Checksums a, Checksums b) {
        Map<ChecksumAlgorithm, String> all = new EnumMap<>(ChecksumAlgorithm.class);
        all.putAll(a.values());
        all.putAll(b.values());
        return new Checksums(all);
    }

    private ObjectInfo writeResumable(String key, BlobId id, ContentSource content, WriteOptions options) {
        long size = content.size();
        Checksums declared = merge(content.knownChecksums(), options.expected());
        Optional<Path> stateFile = resumeFile(id, size, declared);
        URI session = null;
        long position = 0;
        if (stateFile.isPresent() && Files.exists(stateFile.get())) {
            try {
                URI saved = URI.create(Files.readString(stateFile.get()).trim());
                Optional<JsonApiUploads.Progress> progress = uploads.status(saved, size);
                if (progress.isPresent() && progress.get().object().isEmpty()) {
                    session = saved;
                    position = progress.get().persisted();
                    LOG.info("resuming the upload of {} at {} of {} bytes", key, position, size);
                } else {
                    // expired, or already finished (then the new upload finds the object if-absent)
                    deleteQuietly(stateFile.get());
                }
            } catch (IOException | IllegalArgumentException e) {
                deleteQuietly(stateFile.get());
            }
        }
        boolean keepState = false;
        try {
            if (session == null) {
                Checksums vouched = new Checksums(Map.copyOf(declared.values().entrySet().stream()
                        .filter(e -> e.getKey() != ChecksumAlgorithm.SHA256)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
                session = uploads.start(bucket, id.getName(), size, vouched,
                        Optional.ofNullable(storageClass).map(StorageClass::name), options.ifAbsent());
                if (stateFile.isPresent()) {
                    saveSession(stateFile.get(), session);
                }
            }
            JsonApiUploads.Progress done = upload(key, session, content, options, position);
            keepState = false;
            return objectInfo(key, done.object().orElseThrow(), size);
        } catch (TargetUnavailableException e) {
            keepState = true;
            throw new TargetUnavailableException(e.getMessage()
                    + (stateFile.isPresent() ? "; the upload resumes from what the service holds on the next try" : ""), null);
        } finally {
            if (!keepState) {
                stateFile.ifPresent(GcsTarget::deleteQuietly);
            }
        }
    }

    /** Sends the content from {@code position} (the bytes before it only hashed) and finishes the upload. */
    private JsonApiUploads.Progress upload(String key, URI session, ContentSource content, WriteOptions options, long position) {
        long size = content.size();
        // The service refuses to finish an upload whose bytes miss the MD5/CRC-32C declared at its
        // start (the caller's expected ones): hashing them here again would only cost CPU. Bytes
        // with the expected MD5 are the expected bytes, so the SHA-256 is implied too. Without a
        // declared checksum, every expected one is checked here.
        Checksums expected = options.expected();
        boolean serviceChecks = expected.get(ChecksumAlgorithm.MD5).isPresent();
        WriteVerifier verifier = new WriteVerifier(key, content, serviceChecks ? Checksums.none() : expected);
        byte[] buffer = new byte[chunkSize];
        try (InputStream in = content.open()) {
            long skipped = 0;
            while (skipped < position) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, position - skipped));
                if (n == 0) {
                    throw new ChecksumMismatchException("content for " + key + " is shorter than the part already uploaded");
                }
                verifier.update(buffer, 0, n);
                skipped += n;
            }
            resumedBytes.addAndGet(position);
            long sent = position;
            while (true) {
                int n = in.readNBytes(buffer, 0, buffer.length);
                verifier.update(buffer, 0, n);
                boolean last = verifier.length() >= size;
                if (last || n < buffer.length) {
                    // the last bytes go up with the request that finishes the upload: check everything first
                    verifier.verify();
                    last = true;
                }
                JsonApiUploads.Progress p = uploads.put(session, buffer, 0, n, sent, size, last);
                if (last) {
                    if (p.object().isEmpty()) {
                        throw new StorageException("write " + key + ": the service did not finish the upload");
                    }
                    return p;
                }
                // the service may keep less than a whole chunk: send the rest of the buffer again
                while (p.persisted() < sent + n) {
                    int from = (int) (p.persisted() - sent);
                    if (from < 0) {
                        throw new TargetUnavailableException("write " + key + ": the service lost part of the upload", null);
                    }
                    p = uploads.put(session, buffer, from, n - from, p.persisted(), size, false);
                }
                sent += n;
            }
        } catch (IOException e) {
            throw new StorageException("write " + key + ": reading the content to upload failed: " + e.getMessage(), e);
        }
    }

    /** Our view of the object metadata the service returned. */
    private static ObjectInfo objectInfo(String key, JsonNode o, long size) {
        Map<ChecksumAlgorithm, String> sums = new EnumMap<>(ChecksumAlgorithm.class);
        if (o.hasNonNull("md5Hash")) {
            sums.put(ChecksumAlgorithm.MD5, HEX.formatHex(Base64.getDecoder().decode(o.get("md5Hash").asText())));
        }
        if (o.hasNonNull("crc32c")) {
            sums.put(ChecksumAlgorithm.CRC32C, HEX.formatHex(Base64.getDecoder().decode(o.get("crc32c").asText())));
        }
        return ObjectInfo.of(key, o.path("size").asLong(size),
                Optional.ofNullable(o.get("updated")).map(u -> java.time.Instant.parse(u.asText())), new Checksums(sums));
    }

    private static void saveSession(Path file, URI session) {
        try {
            Path dir = file.getParent();
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path tmp = posix ? Files.createTempFile(dir, ".upload-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".upload-", ".tmp");
            try {
                Files.writeString(tmp, session + "\n");
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warn("cannot save the upload session in {} ({}); an interrupted upload will start again", file, e.getMessage());
        }
    }

    /** Where a large upload's session state lives; only for content whose SHA-256 is known, so the state matches the bytes. */
    private Optional<Path> resumeFile(BlobId id, long size, Checksums declared) {
        Optional<String> sha = declared.get(ChecksumAlgorithm.SHA256);
        if (sha.isEmpty()) {
            return Optional.empty();
        }
        MultiDigest d = MultiDigest.sha256Only();
        byte[] what = (id.getBucket() + "\n" + id.getName() + "\n" + size + "\n" + sha.get()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        d.update(what, 0, what.length);
        return Optional.of(resumeDir.resolve(d.finish().get(ChecksumAlgorithm.SHA256).orElseThrow() + ".upload"));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }

    @Override
    public void delete(String key) {
        BlobId id = id(key);
        call("delete " + key, () -> storage.delete(id));
    }

    @Override
    public ListPage list(String listPrefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(listPrefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        String full = listPrefix.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : ObjectKeys.under(prefix, listPrefix);
        return call("list " + listPrefix, () -> {
            List<Storage.BlobListOption> opts = new ArrayList<>(List.of(Storage.BlobListOption.prefix(full),
                    Storage.BlobListOption.pageSize(pageSize), Storage.BlobListOption.fields(Storage.BlobField.NAME,
                            Storage.BlobField.SIZE, Storage.BlobField.MD5HASH, Storage.BlobField.CRC32C, Storage.BlobField.UPDATED)));
            pageToken.ifPresent(t -> opts.add(Storage.BlobListOption.pageToken(t)));
            Page<Blob> page = storage.list(bucket, opts.toArray(Storage.BlobListOption[]::new));
            List<ObjectInfo> objects = new ArrayList<>();
            for (Blob b : page.getValues()) {
                objects.add(info(ObjectKeys.relative(prefix, b.getName()), b));
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

    private static ObjectInfo info(String key, BlobInfo b) {
        Map<ChecksumAlgorithm, String> sums = new EnumMap<>(ChecksumAlgorithm.class);
        if (b.getMd5() != null) {
            sums.put(ChecksumAlgorithm.MD5, HEX.formatHex(Base64.getDecoder().decode(b.getMd5())));
        }
        if (b.getCrc32c() != null) {
            sums.put(ChecksumAlgorithm.CRC32C, HEX.formatHex(Base64.getDecoder().decode(b.getCrc32c())));
        }
        return ObjectInfo.of(key, b.getSize() == null ? 0 : b.getSize(),
                Optional.ofNullable(b.getUpdateTimeOffsetDateTime()).map(t -> t.toInstant()), new Checksums(sums));
    }

    @FunctionalInterface
    private interface GcsCall<T> {
        T call();
    }

    /** Runs a client call, classifying its failures; messages carry no credentials. */
    private <T> T call(String what, GcsCall<T> call) {
        try {
            return call.call();
        } catch (StorageException e) {
            throw e;
        } catch (BaseServiceException e) {
            int code = e.getCode();
            String message = what + ": " + scrub(e.getMessage()) + (code > 0 ? " (HTTP " + code + ")" : "");
            if (code == 404) {
                throw new ObjectNotFoundException(what);
            }
            if (code == 412 || code == 409) {
                throw new ObjectExistsException(what);
            }
            if (code == 401 || code == 403) {
                throw new AuthenticationException(message + ": Google Cloud Storage refused our credentials", null);
            }
            if (code == 0 || code == 408 || code == 429 || code >= 500 || e.isRetryable()) {
                throw new TargetUnavailableException(message, null);
            }
            throw new StorageException(message);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = what + ": " + scrub(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": "
                    + root.getMessage()));
            if (root instanceof IOException) {
                throw new TargetUnavailableException(what + ": the connection to the service failed ("
                        + scrub(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")", null);
            }
            throw new StorageException(message);
        }
    }

    /** Removes bearer tokens and upload session ids from text that may quote a request. */
    static String scrub(String text) {
        if (text == null) {
            return "";
        }
        return text.replaceAll("ya29\\.[A-Za-z0-9._\\-]+", "[token]")
                .replaceAll("(?i)(upload_id=)[^&\\s\"']+", "$1[redacted]")
                .replaceAll("-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----", "[private key]");
    }
}
