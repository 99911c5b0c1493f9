package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectKeys;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Staging for {@link GcsTarget}: a new large file is uploaded once, while core hashes it, under
 * {@code PREFIX/.heirloom-staging/NAME} (never listed), then copied on the service to its key and
 * the staged object deleted; what a killed run left staged is removed by prune.
 */
final class GcsStaging {
    private static final Logger LOG = LoggerFactory.getLogger(GcsStaging.class);
    /** Where staged content waits, under the prefix; never listed. */
    static final String STAGING = ".heirloom-staging/";

    private final GcsTarget target;
    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final StorageClass storageClass;
    private final int chunkSize;
    private final ResumableUploads resumable;

    GcsStaging(GcsTarget target, Storage storage, String bucket, String prefix, StorageClass storageClass, int chunkSize,
               ResumableUploads resumable) {
        this.target = target;
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix;
        this.storageClass = storageClass;
        this.chunkSize = chunkSize;
        this.resumable = resumable;
    }

    /**
     * Uploads the content under a name of the provider's own ({@code .heirloom-staging/NAME},
     * never listed) in the bucket's default class, reading it once; {@link StagedObject#publish}
     * then copies it on the server (a rewrite: the service keeps the bytes and their MD5 and
     * CRC-32C) and deletes the staged object. The stage name is stable for the same source file,
     * so a staged upload cut short resumes from what the service holds, like any resumable upload.
     */
    StagedObject stage(String stageName, ContentSource content) {
        if (stageName == null || !stageName.matches("[0-9a-z-]{1,64}")) {
            throw new IllegalArgumentException("stage names are 1 to 64 characters of [0-9a-z-]");
        }
        String what = "stage " + stageName;
        BlobId staged = BlobId.of(bucket, ObjectKeys.under(prefix, STAGING + stageName));
        long size = content.size();
        JsonNode sent = GcsErrors.call(what, () -> size <= chunkSize
                ? target.sendSmall(what, staged.getName(), content, Checksums.none(), Optional.empty(), Optional.empty(), false)
                : resumable.send(what, staged.getName(), content, Checksums.none(), Checksums.none(), Optional.empty(),
                        Optional.empty(), false, Optional.of("staged")));
        Checksums held = GcsTarget.objectInfo(what, sent, size).checksums();
        BlobId generation = BlobId.of(bucket, staged.getName(), sent.path("generation").asLong());
        return StagedObject.of(size, (key, options) -> publish(generation, held, size, key, options),
                () -> deleteStaged(generation));
    }

    private ObjectInfo publish(BlobId staged, Checksums held, long size, String key, WriteOptions options) {
        target.requireLock(options);
        Optional<ChecksumAlgorithm> bad = options.expected().firstMismatch(held);
        if (bad.isPresent()) {
            throw new ChecksumMismatchException("staged content for " + key + " has " + bad.get() + " "
                    + held.get(bad.get()).orElse("?") + ", expected " + options.expected().get(bad.get()).orElse("?")
                    + "; nothing was published");
        }
        BlobInfo.Builder copy = BlobInfo.newBuilder(target.id(key)).setContentType("application/octet-stream");
        if (storageClass != null) {
            copy.setStorageClass(storageClass);
        }
        options.retainUntil().ifPresent(t -> copy.setRetention(GcsRetention.of(t)));
        Storage.CopyRequest request = Storage.CopyRequest.newBuilder().setSource(staged)
                .setTarget(copy.build(), options.ifAbsent() ? List.of(Storage.BlobTargetOption.doesNotExist()) : List.of())
                .build();
        ObjectInfo published;
        try {
            published = GcsErrors.call("publish " + key, () -> GcsTarget.info(key, storage.copy(request).getResult()));
        } catch (ObjectExistsException e) {
            // the client retries a rewrite: a 412 may be our own landed try
            published = target.sameContentOrExists(key, size, options);
        }
        deleteStaged(staged);
        return published;
    }

    private void deleteStaged(BlobId staged) {
        try {
            GcsErrors.call("remove " + staged.getName(), () -> storage.delete(staged));
        } catch (StorageException e) {
            LOG.debug("could not remove {} (the next clean-up will): {}", staged.getName(), e.getMessage());
        }
    }

    /** Staged content never published (a killed run's); nothing else is touched. */
    long removeInterruptedUploads() {
        long freed = 0;
        String under = ObjectKeys.under(prefix, STAGING);
        Optional<String> token = Optional.empty();
        do {
            Optional<String> from = token;
            List<Storage.BlobListOption> opts = new ArrayList<>(List.of(Storage.BlobListOption.prefix(under),
                    Storage.BlobListOption.pageSize(1000), Storage.BlobListOption.fields(Storage.BlobField.NAME,
                            Storage.BlobField.SIZE, Storage.BlobField.GENERATION)));
            from.ifPresent(t -> opts.add(Storage.BlobListOption.pageToken(t)));
            Page<Blob> page = GcsErrors.call("list staged content", () -> storage.list(bucket, opts.toArray(Storage.BlobListOption[]::new)));
            for (Blob b : page.getValues()) {
                boolean gone = GcsErrors.call("remove " + b.getName(), () -> storage.delete(b.getBlobId()));
                freed += gone && b.getSize() != null ? b.getSize() : 0;
            }
            token = Optional.ofNullable(page.getNextPageToken()).filter(t -> !t.isEmpty());
        } while (token.isPresent());
        return freed;
    }
}
