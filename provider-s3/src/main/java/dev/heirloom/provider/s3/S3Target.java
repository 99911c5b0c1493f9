package dev.heirloom.provider.s3;

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
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
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
import java.util.UUID;
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
    private final MultipartUpload multipart;
    private final Capabilities capabilities;
    private final AtomicLong resumedBytes = new AtomicLong();

    S3Target(S3Client s3, S3Settings settings, S3Errors errors, boolean conditional) {
        this.s3 = s3;
        this.settings = settings;
        this.errors = errors;
        this.multipart = new MultipartUpload(s3, settings, errors);
        Capabilities.Builder caps = Capabilities.builder().conditionalCreate(conditional).atomicReplace(true)
                .rangeRead(true).maxConcurrency(settings.concurrency()).retriesInternally(true);
        if (settings.checksums()) {
            caps.serverChecksums(ChecksumAlgorithm.CRC32C);
        }
        this.capabilities = caps.build();
    }

    /** Builds the client, checks the bucket, finds out whether conditional writes hold, cleans up. */
    static S3Target open(S3Settings settings) {
        S3Errors errors = new S3Errors(settings.credentials());
        S3Client s3;
        try {
            s3 = S3SdkClient.build(settings);
        } catch (SdkException | IllegalArgumentException e) {
            throw new InvalidConfigException("cannot set up the S3 client for " + settings + ": " + errors.scrub(e.getMessage()));
        }
        try {
            checkBucket(s3, settings, errors);
            boolean conditional = settings.conditionalWrites().orElseGet(() -> honoursIfNoneMatch(s3, settings, errors));
            S3Target target = new S3Target(s3, settings, errors, conditional);
            target.cleanUp();
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
        String name = name(key);
        String what = "write " + key;
        if (options.ifAbsent() && stat(key).isPresent()) {
            throw new ObjectExistsException(key);
        }
        WriteVerifier verifier = new WriteVerifier(key, content, options.expected());
        Optional<String> storageClass = key.startsWith("objects/") ? settings.storageClass() : Optional.empty();
        MultipartUpload.Uploaded sent;
        if (content.size() <= settings.partSize()) {
            sent = putWhole(what, name, content, verifier, options.ifAbsent(), storageClass);
        } else {
            sent = multipart.upload(what, name, content, verifier, options.ifAbsent(), storageClass);
            resumedBytes.addAndGet(sent.resumedBytes());
        }
        Optional<ObjectInfo> stored = stat(key);
        if (sent.keyTaken()) {
            // absent a moment ago: another writer, or our own first try that the SDK retried, got there
            // first; the same bytes under the same key are a success, anything else is a real conflict
            return stored.filter(there -> same(key, there, content.size(), sent.checksums()))
                    .orElseThrow(() -> new ObjectExistsException(key));
        }
        return stored.orElseGet(() -> ObjectInfo.of(key, content.size(), Optional.of(Instant.now()), sent.checksums()));
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

    private MultipartUpload.Uploaded putWhole(String what, String name, ContentSource content, WriteVerifier verifier,
                                              boolean ifAbsent, Optional<String> storageClass) {
        byte[] bytes;
        try (InputStream in = content.open()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, content.size() + 1));
        } catch (IOException e) {
            throw new StorageException(what + ": reading the content to upload failed: " + e.getMessage(), e);
        }
        verifier.update(bytes, 0, bytes.length);
        verifier.verify();
        MultiDigest digest = MultiDigest.exactly(Set.of(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC32C));
        digest.update(bytes, 0, bytes.length);
        Checksums sums = digest.finish();
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(name)
                .contentLength((long) bytes.length);
        if (settings.checksums()) {
            request.checksumCRC32C(S3Checksums.base64(sums.get(ChecksumAlgorithm.CRC32C).orElseThrow()));
        } else {
            request.contentMD5(S3Checksums.base64(S3Checksums.md5(bytes, 0, bytes.length)));
        }
        if (ifAbsent) {
            request.ifNoneMatch("*");
        }
        storageClass.ifPresent(request::storageClass);
        try {
            errors.call(what, () -> s3.putObject(request.build(), RequestBody.fromBytes(bytes)));
        } catch (ObjectExistsException taken) {
            return new MultipartUpload.Uploaded(sums, 0, true);
        }
        return new MultipartUpload.Uploaded(sums, 0, false);
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
     * Removes what interrupted runs left more than {@link #ABANDONED} ago: unfinished multipart
     * uploads under the prefix. Best effort: a store that refuses is left as it is.
     */
    void cleanUp() {
        try {
            String root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
            int aborted = multipart.abortOlderThan(root, Instant.now().minus(ABANDONED));
            if (aborted > 0) {
                LOG.info("aborted {} multipart upload(s) abandoned more than {} days ago", aborted, ABANDONED.toDays());
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot look for abandoned uploads: {}", errors.scrub(e.getMessage()));
        }
    }

    /**
     * Whether the store refuses a second create-if-absent of the same key: writes a probe object
     * twice with {@code If-None-Match: *} and removes it. A store that ignores the header lets the
     * second write through.
     */
    static boolean honoursIfNoneMatch(S3Client s3, S3Settings settings, S3Errors errors) {
        String name = ObjectKeys.under(settings.prefix(), INTERNAL + "probe-" + UUID.randomUUID());
        PutObjectRequest put = PutObjectRequest.builder().bucket(settings.bucket()).key(name).ifNoneMatch("*")
                .contentLength(0L).build();
        try {
            s3.putObject(put, RequestBody.empty());
            try {
                s3.putObject(put, RequestBody.empty());
                LOG.warn("s3://{}: the store ignores If-None-Match; create-if-absent is check-then-act, safe only "
                        + "with one writer at a time", settings.bucket());
                return false;
            } catch (SdkException e) {
                int status = S3Errors.status(e);
                if (status == 412 || status == 409) {
                    return true;
                }
                throw errors.translate("check whether the store honours If-None-Match", e);
            } finally {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(name));
            }
        } catch (SdkException e) {
            if (S3Errors.status(e) == 403) {
                // read-only credentials: nothing will be created through them anyway
                return false;
            }
            throw errors.translate("check whether the store honours If-None-Match", e);
        }
    }

    /** Checks that the bucket exists (creating it when asked to). */
    static void checkBucket(S3Client s3, S3Settings settings, S3Errors errors) {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            if (S3Errors.status(e) != 404) {
                throw errors.translate("open bucket " + settings.bucket(), e);
            }
            if (!settings.createBucket()) {
                throw new InvalidConfigException("the S3 bucket " + settings.bucket() + " does not exist; create it, "
                        + "or set the option createBucket: true");
            }
            errors.call("create bucket " + settings.bucket(), () -> s3.createBucket(b -> {
                b.bucket(settings.bucket());
                settings.region().filter(r -> !r.equals("us-east-1") && settings.endpoint().isEmpty())
                        .ifPresent(r -> b.createBucketConfiguration(c -> c.locationConstraint(r)));
            }));
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
