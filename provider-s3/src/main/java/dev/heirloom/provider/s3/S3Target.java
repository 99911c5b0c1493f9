package dev.heirloom.provider.s3;

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
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A repository under a prefix of an S3 bucket. Content up to the part size goes in one PUT with
 * its SHA-256 as an additional checksum (the store checks it and keeps it); larger content by a
 * {@link MultipartUpload}. Create-if-absent is {@code If-None-Match: *}, which the store enforces
 * atomically where it honours it; whether it does is found out when the target is opened (unless
 * the option {@code conditionalWrites} says) and declared in {@link Capabilities}. Objects exist
 * only when complete: a PUT is atomic and a multipart object appears at its completion.
 */
final class S3Target implements StorageTarget {
    private static final Logger LOG = LoggerFactory.getLogger(S3Target.class);
    /** Where the provider keeps its own short-lived objects under the prefix; never listed. */
    static final String INTERNAL = ".heirloom-staging/";
    /** Unfinished uploads older than this are abandoned and removed when a target is opened. */
    static final Duration ABANDONED = Duration.ofDays(7);
    /** Reads up to this size are fetched whole into memory, and fetched again when cut short. */
    private static final long SMALL_READ = 8L << 20;
    private static final int SMALL_READ_TRIES = 5;

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Errors errors;
    private final S3Uploads uploads;
    private final Capabilities capabilities;
    private final AtomicLong resumedBytes = new AtomicLong();

    S3Target(S3Client s3, S3Settings settings, S3Errors errors, boolean conditional, long copyPartLimit) {
        this.s3 = s3;
        this.settings = settings;
        this.errors = errors;
        this.uploads = new S3Uploads(s3, settings, errors, copyPartLimit);
        Capabilities.Builder caps = Capabilities.builder().conditionalCreate(conditional).atomicReplace(true)
                .rangeRead(true).maxConcurrency(settings.concurrency()).retriesInternally(true).staging(settings.stageLargeFiles());
        if (settings.checksums()) {
            caps.serverChecksums(ChecksumAlgorithm.CRC32C);
        }
        this.capabilities = caps.build();
    }

    /** Builds the client, checks the bucket, finds out whether conditional writes hold, cleans up. */
    static S3Target open(S3Settings settings) {
        return open(settings, S3Uploads.MAX_SINGLE_COPY);
    }

    /** With a lower limit for one CopyObject, so that tests reach the multipart copy with small objects. */
    static S3Target open(S3Settings settings, long copyPartLimit) {
        S3Errors errors = new S3Errors(settings.credentials());
        S3Client s3;
        try {
            s3 = S3SdkClient.build(settings);
        } catch (SdkException | IllegalArgumentException e) {
            throw new InvalidConfigException("cannot set up the S3 client for " + settings + ": " + errors.scrub(e.getMessage()));
        }
        try {
            BucketChecks.existsOrCreate(s3, settings, errors);
            boolean conditional = settings.conditionalWrites()
                    .orElseGet(() -> BucketChecks.honoursIfNoneMatch(s3, settings, errors));
            S3Target target = new S3Target(s3, settings, errors, conditional, copyPartLimit);
            target.cleanUp(Instant.now().minus(ABANDONED));
            return target;
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Bytes of interrupted uploads that were found on the store and not sent again (for tests). */
    long resumedBytes() {
        return resumedBytes.get();
    }

    String name(String key) {
        ObjectKeys.check(key);
        return ObjectKeys.under(settings.prefix(), key);
    }

    /** Where the provider's own objects live: under the prefix, outside every repository key that is listed. */
    String internalName(String leaf) {
        return ObjectKeys.under(settings.prefix(), INTERNAL + leaf);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String name = name(key);
        return errors.call("stat " + key, () -> {
            try {
                return Optional.of(info(key, s3.headObject(b -> b.bucket(settings.bucket()).key(name)
                        .checksumMode(ChecksumMode.ENABLED))));
            } catch (SdkException e) {
                if (S3Errors.status(e) == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    private static ObjectInfo info(String key, HeadObjectResponse head) {
        return ObjectInfo.of(key, head.contentLength(), Optional.ofNullable(head.lastModified()),
                S3Checksums.of(head.checksumSHA256(), head.checksumCRC32C(), head.checksumType()));
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        String name = name(key);
        if (length == 0) {
            stat(key).orElseThrow(() -> new ObjectNotFoundException(key));
            return InputStream.nullInputStream();
        }
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(settings.bucket()).key(name);
        if (offset > 0 || length > 0) {
            // one GET serves one version of the object, whole or in part, even while it is replaced
            request.range("bytes=" + offset + "-" + (length > 0 ? String.valueOf(offset + length - 1) : ""));
        } else {
            request.checksumMode(ChecksumMode.ENABLED);
        }
        return errors.call("read " + key, () -> {
            for (int attempt = 1; ; attempt++) {
                ResponseInputStream<GetObjectResponse> in = get(key, request.build());
                Long size = in.response().contentLength();
                if (size == null || size > SMALL_READ) {
                    return in;
                }
                // small content (folder listings, snapshots, photos) is fetched whole, so that a body cut
                // short or failing its checksum (a dropped connection, a store replacing the object
                // under the reader) is fetched again instead of failing the caller half way
                try (in) {
                    return new ByteArrayInputStream(in.readAllBytes());
                } catch (IOException | SdkException e) {
                    if (attempt >= SMALL_READ_TRIES) {
                        throw new TargetUnavailableException("read " + key + ": " + errors.scrub(e.getMessage()), null);
                    }
                    LOG.debug("read {}: try {} failed, reading again: {}", key, attempt, errors.scrub(e.getMessage()));
                }
            }
        });
    }

    private ResponseInputStream<GetObjectResponse> get(String key, GetObjectRequest request) {
        try {
            return s3.getObject(request);
        } catch (SdkException e) {
            int status = S3Errors.status(e);
            String code = S3Errors.code(e).orElse("");
            if (status == 404) {
                throw new ObjectNotFoundException(key);
            }
            if (status == 416 || code.equals("InvalidRange")) {
                stat(key).orElseThrow(() -> new ObjectNotFoundException(key));
                return new ResponseInputStream<>(GetObjectResponse.builder().contentLength(0L).build(),
                        InputStream.nullInputStream());
            }
            if (code.equals("InvalidObjectState")) {
                throw new StorageException(key + " is in an archive storage class (GLACIER or DEEP_ARCHIVE) "
                        + "and cannot be read until it is retrieved: start a restore of the objects with the "
                        + "store's console or 'aws s3api restore-object' (it takes hours), then run this again");
            }
            throw e;
        }
    }

    @Override
    public ObjectInfo write(String key, ContentSource content, WriteOptions options) {
        options.refuseLock("an S3 bucket (Object Lock is not used yet)");
        String name = name(key);
        String what = "write " + key;
        if (options.ifAbsent() && !capabilities.conditionalCreate() && stat(key).isPresent()) {
            // check-then-act, on a store that does not enforce If-None-Match
            throw new ObjectExistsException(key);
        }
        WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
        Optional<String> storageClass = key.startsWith("objects/") ? settings.storageClass() : Optional.empty();
        MultipartUpload.Uploaded sent = uploads.send(what, name, content, verifier, options.ifAbsent(), storageClass);
        resumedBytes.addAndGet(sent.resumedBytes());
        if (!sent.keyTaken() && content.size() <= settings.partSize()) {
            // one PUT the store accepted with our CRC-32C: a HEAD would tell nothing new, and costs a round trip per photo
            Checksums kept = settings.checksums()
                    ? new Checksums(java.util.Map.of(ChecksumAlgorithm.CRC32C, sent.checksums().get(ChecksumAlgorithm.CRC32C).orElseThrow()))
                    : Checksums.none();
            return ObjectInfo.of(key, content.size(), Optional.of(Instant.now()), kept);
        }
        return stored(key, content.size(), sent);
    }

    /** The object a write or publish made, or, when the key was taken meanwhile, the same bytes there or a conflict. */
    private ObjectInfo stored(String key, long size, MultipartUpload.Uploaded sent) {
        Optional<ObjectInfo> stored = stat(key);
        if (sent.keyTaken()) {
            // taken: by another writer, by our own first try that the SDK retried, or before we came;
            // the same bytes under the same key are a success, anything else is a conflict
            return stored.filter(there -> same(key, there, size, sent.checksums()))
                    .orElseThrow(() -> new ObjectExistsException(key));
        }
        return stored.orElseGet(() -> ObjectInfo.of(key, size, Optional.of(Instant.now()), sent.checksums()));
    }

    /**
     * Uploads the content under a name of the provider's own ({@code .heirloom-staging/NAME}, never
     * listed), reading it once; {@link StagedObject#publish} then copies it on the server to its key.
     * The stage name is stable for the same source file, so a staged upload cut short resumes like
     * any multipart upload.
     */
    @Override
    public StagedObject stage(String stageName, ContentSource content) {
        if (stageName == null || !stageName.matches("[0-9a-z-]{1,64}")) {
            throw new IllegalArgumentException("stage names are 1 to 64 characters of [0-9a-z-]");
        }
        String staged = internalName(stageName);
        String what = "stage " + stageName;
        // staged in the bucket's default class: a copy out of an archive class would need a retrieval
        // first, and infrequent-access classes bill a minimum duration for what lives minutes
        MultipartUpload.Uploaded sent = uploads.send(what, staged, content,
                new WriteVerifier(stageName, content, Checksums.none()), false, Optional.empty());
        resumedBytes.addAndGet(sent.resumedBytes());
        long size = content.size();
        return StagedObject.of(size, (key, options) -> {
            options.refuseLock("an S3 bucket (Object Lock is not used yet)");
            String name = name(key);
            Optional<dev.heirloom.spi.ChecksumAlgorithm> bad = options.expected().firstMismatch(sent.checksums());
            if (bad.isPresent()) {
                throw new ChecksumMismatchException("staged content for " + key + " has " + bad.get() + " "
                        + sent.checksums().get(bad.get()).orElse("?") + ", expected "
                        + options.expected().get(bad.get()).orElse("?") + "; nothing was published");
            }
            // looked up first even where PUTs honour If-None-Match: S3Proxy 4.1 ignores it on CopyObject
            // (the contract's publish-over-an-object test shows it), so only the racing window is left
            if (options.ifAbsent() && stat(key).isPresent()) {
                throw new ObjectExistsException(key);
            }
            Optional<String> storageClass = key.startsWith("objects/") ? settings.storageClass() : Optional.empty();
            boolean taken = uploads.copy("publish " + key, staged, name, size, options.ifAbsent(), storageClass);
            ObjectInfo info = stored(key, size, new MultipartUpload.Uploaded(sent.checksums(), 0, taken));
            deleteQuietly(staged);
            return info;
        }, () -> deleteQuietly(staged));
    }

    private void deleteQuietly(String name) {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(name));
        } catch (RuntimeException e) {
            LOG.debug("could not remove {} (the next clean-up will): {}", name, errors.scrub(e.getMessage()));
        }
    }

    /**
     * Whether a stored object is the content whose checksums are {@code ours}: same size, and the
     * same SHA-256 when read back (content up to one part: locks, snapshots, photos) or the same
     * full-object CRC-32C (larger content, whose key is its SHA-256 anyway).
     */
    private boolean same(String key, ObjectInfo there, long size, Checksums ours) {
        if (there.size() != size) {
            return false;
        }
        if (size <= settings.partSize()) {
            try (InputStream in = read(key, 0, -1)) {
                return MultiDigest.of(in, Set.of(ChecksumAlgorithm.SHA256), new byte[64 * 1024])
                        .get(ChecksumAlgorithm.SHA256).equals(ours.get(ChecksumAlgorithm.SHA256));
            } catch (IOException | ObjectNotFoundException e) {
                return false;
            }
        }
        Optional<String> theirs = there.checksums().get(ChecksumAlgorithm.CRC32C);
        return theirs.isPresent() && theirs.equals(ours.get(ChecksumAlgorithm.CRC32C));
    }

    @Override
    public void delete(String key) {
        String name = name(key);
        errors.call("delete " + key, () -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(name)));
    }

    @Override
    public ListPage list(String listPrefix, Optional<String> pageToken, int pageSize) {
        ObjectKeys.checkPrefix(listPrefix);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1");
        }
        String root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        String full = root + listPrefix;
        ListObjectsV2Response page = errors.call("list " + listPrefix, () -> s3.listObjectsV2(b -> b
                .bucket(settings.bucket()).prefix(full).maxKeys(Math.min(pageSize, 1000))
                .continuationToken(pageToken.orElse(null))));
        List<ObjectInfo> objects = new ArrayList<>();
        for (S3Object o : page.contents()) {
            String key = o.key().substring(root.length());
            if (key.startsWith(INTERNAL) || key.isEmpty()) {
                continue;
            }
            objects.add(ObjectInfo.of(key, o.size(), Optional.ofNullable(o.lastModified()), Checksums.none()));
        }
        String next = page.nextContinuationToken();
        return ListPage.of(objects, Boolean.TRUE.equals(page.isTruncated()) && next != null
                ? Optional.of(next) : Optional.empty());
    }

    /**
     * Removes what interrupted runs left, started before {@code before} (at open, {@link #ABANDONED}
     * ago): unfinished multipart uploads under the prefix, and staged content never published. Best
     * effort: a store that refuses is left as it is.
     *
     * @return the bytes of staged content removed (a multipart upload's parts are not counted)
     */
    long cleanUp(Instant before) {
        long freed = 0;
        try {
            String root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
            int aborted = uploads.multipart().abortOlderThan(root, before);
            if (aborted > 0) {
                LOG.info("aborted {} multipart upload(s) an interrupted run left", aborted);
            }
            String internal = root + INTERNAL;
            String token = null;
            do {
                String from = token;
                ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(internal)
                        .continuationToken(from));
                for (S3Object o : page.contents()) {
                    if (o.lastModified() != null && o.lastModified().isBefore(before)) {
                        deleteQuietly(o.key());
                        freed += o.size() == null ? 0 : o.size();
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (RuntimeException e) {
            LOG.debug("cannot look for abandoned uploads: {}", errors.scrub(e.getMessage()));
        }
        return freed;
    }

    /** Every unfinished upload under the prefix: under the exclusive lock nothing is uploading. */
    @Override
    public long removeInterruptedUploads() {
        return cleanUp(Instant.now().plus(java.time.Duration.ofDays(365)));
    }

    @Override
    public void close() {
        s3.close();
    }
}
