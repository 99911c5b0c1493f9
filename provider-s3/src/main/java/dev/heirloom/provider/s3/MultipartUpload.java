package dev.heirloom.provider.s3;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Uploads content too large for one PUT in parts: the object appears only at
 * CompleteMultipartUpload, whole. Each part carries its CRC-32C (or, without additional checksums,
 * its Content-MD5), which the store checks on receipt; the completed object carries the CRC-32C of
 * all its bytes (a full-object checksum), so a later verify can compare it without downloading.
 *
 * <p>Resume: an upload of the same key left by an interrupted run is found again
 * (ListMultipartUploads, ListParts); each of its parts whose size and checksum match the bytes read
 * now is kept instead of sent again. The content is still read once, to hash it.
 */
final class MultipartUpload {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    private static final HexFormat HEX = HexFormat.of();

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Errors errors;
    /** Parts of one upload sent at once while the next is read (memory: this many parts per upload). */
    static final int PARTS_IN_FLIGHT = 3;
    /** Sends parts; daemon threads that end when idle, shared by the uploads of one target. */
    private final ExecutorService senders;
    /** Whether the store takes a full-object checksum at completion; learnt at the first refusal. */
    private volatile boolean fullObjectChecksums = true;

    MultipartUpload(S3Client s3, S3Settings settings, S3Errors errors) {
        this.s3 = s3;
        this.settings = settings;
        this.errors = errors;
        this.senders = new java.util.concurrent.ThreadPoolExecutor(0, settings.concurrency(), 30, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "heirloom-s3-part");
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());
    }

    /**
     * What was uploaded: the checksums of the content, how many bytes an earlier try had already
     * sent, and whether an {@code If-None-Match} completion found the key taken (nothing was completed).
     */
    record Uploaded(Checksums checksums, long resumedBytes, boolean keyTaken) {
    }

    /**
     * Uploads {@code content} to {@code name}; the verifier sees every byte and must accept them before completion.
     *
     * @param ifAbsent complete with {@code If-None-Match: *}
     * @throws StorageException after leaving the parts for a later resume
     */
    Uploaded upload(String what, String name, ContentSource content, WriteVerifier verifier, boolean ifAbsent,
                    Optional<String> storageClass) {
        Existing existing = find(what, name);
        String uploadId = existing.uploadId().orElseGet(() -> create(what, name, storageClass, settings.checksums()));
        MultiDigest whole = MultiDigest.exactly(Set.of(ChecksumAlgorithm.CRC32C));
        List<Future<CompletedPart>> parts = new ArrayList<>();
        // the next part is read into a free buffer while up to PARTS_IN_FLIGHT are sent from the others
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PARTS_IN_FLIGHT + 1);
        int allocated = 0;
        long resumed = 0;
        try (InputStream in = content.open()) {
            for (int number = 1; ; number++) {
                byte[] buffer = free.poll();
                if (buffer == null && allocated <= PARTS_IN_FLIGHT) {
                    buffer = new byte[(int) settings.partSize()];
                    allocated++;
                } else if (buffer == null) {
                    buffer = free.take();
                }
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n == 0) {
                    break;
                }
                verifier.update(buffer, 0, n);
                whole.update(buffer, 0, n);
                if (verifier.overflowed()) {
                    break;
                }
                String checksum = settings.checksums() ? S3Checksums.base64(S3Checksums.crc32c(buffer, 0, n))
                        : HEX.formatHex(S3Checksums.md5(buffer, 0, n));
                Part already = existing.parts().get(number);
                if (already != null) {
                    if (already.size() == n && matches(already, checksum, buffer, n)) {
                        parts.add(CompletableFuture.completedFuture(completed(number, already.eTag(), checksum)));
                        resumed += n;
                        free.add(buffer);
                        continue;
                    }
                    LOG.debug("{}: part {} on the store is not these bytes, sending it again", what, number);
                }
                failFast(parts);
                byte[] data = buffer;
                int part = number;
                int length = n;
                parts.add(senders.submit(() -> {
                    try {
                        return uploadPart(what, name, uploadId, part, data, length, checksum);
                    } finally {
                        free.add(data);
                    }
                }));
            }
        } catch (IOException e) {
            cancel(parts);
            throw new StorageException(what + ": reading the content to upload failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            cancel(parts);
            Thread.currentThread().interrupt();
            throw new StorageException(what + ": interrupted", e);
        } catch (RuntimeException e) {
            cancel(parts);
            throw e;
        }
        List<CompletedPart> sent = await(what, parts);
        Checksums sums = verifier.verify().with(ChecksumAlgorithm.CRC32C,
                whole.finish().get(ChecksumAlgorithm.CRC32C).orElseThrow());
        try {
            complete(what, name, uploadId, sent, sums, ifAbsent);
        } catch (dev.heirloom.spi.ObjectExistsException taken) {
            abort(name, uploadId);
            return new Uploaded(sums, resumed, true);
        }
        if (resumed > 0) {
            LOG.info("{}: resumed an interrupted upload, {} of {} bytes were already on the store", what, resumed,
                    content.size());
        }
        for (String stale : existing.others()) {
            abort(name, stale);
        }
        return new Uploaded(sums, resumed, false);
    }

    /**
     * Completes with the full-object CRC-32C; a store that refuses that form (it knows only
     * composite checksums, a hash of the parts' hashes) completes without it, and the object then
     * has no checksum a verify can compare: it is checked by size, and by content on a content verify.
     */
    private void complete(String what, String name, String uploadId, List<CompletedPart> parts, Checksums sums,
                          boolean ifAbsent) {
        CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(name).uploadId(uploadId)
                .multipartUpload(b -> b.parts(parts));
        if (ifAbsent) {
            complete.ifNoneMatch("*");
        }
        if (settings.checksums() && fullObjectChecksums) {
            try {
                s3.completeMultipartUpload(complete.copy().checksumType(ChecksumType.FULL_OBJECT)
                        .checksumCRC32C(S3Checksums.base64(sums.get(ChecksumAlgorithm.CRC32C).orElseThrow())).build());
                return;
            } catch (software.amazon.awssdk.core.exception.SdkException e) {
                if (S3Errors.status(e) != 400) {
                    throw errors.translate(what + ": complete the multipart upload", e);
                }
                fullObjectChecksums = false;
                LOG.warn("s3://{}: the store refuses full-object CRC-32C checksums on multipart uploads ({}); large "
                        + "objects are stored without one, and checksum verification checks only their size",
                        settings.bucket(), errors.scrub(e.getMessage()));
            }
        }
        errors.call(what + ": complete the multipart upload", () -> s3.completeMultipartUpload(complete.build()));
    }

    /**
     * Whether a part on the store holds these bytes: by its CRC-32C where the store lists one, else
     * by its ETag where that is the part's MD5 (as on AWS without KMS encryption, and most S3-compatible
     * stores); a part that proves neither is sent again.
     */
    private boolean matches(Part part, String checksum, byte[] bytes, int n) {
        if (settings.checksums() && part.checksumCRC32C() != null) {
            return checksum.equals(part.checksumCRC32C());
        }
        String eTag = part.eTag() == null ? "" : part.eTag().replace("\"", "");
        return eTag.matches("[0-9a-fA-F]{32}") && eTag.equalsIgnoreCase(HEX.formatHex(S3Checksums.md5(bytes, 0, n)));
    }

    private CompletedPart completed(int number, String eTag, String checksum) {
        CompletedPart.Builder part = CompletedPart.builder().partNumber(number).eTag(eTag);
        if (settings.checksums()) {
            part.checksumCRC32C(checksum);
        }
        return part.build();
    }

    /** Throws the failure of a part already sent, so that a broken upload stops reading. */
    private static void failFast(List<Future<CompletedPart>> parts) {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    cancel(parts);
                    throw e.getCause() instanceof RuntimeException r ? r : new StorageException(e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted", e);
                }
            }
        }
    }

    private static List<CompletedPart> await(String what, List<Future<CompletedPart>> parts) {
        List<CompletedPart> done = new ArrayList<>();
        try {
            for (Future<CompletedPart> f : parts) {
                done.add(f.get());
            }
            return done;
        } catch (ExecutionException e) {
            cancel(parts);
            throw e.getCause() instanceof RuntimeException r ? r
                    : new StorageException(what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            cancel(parts);
            Thread.currentThread().interrupt();
            throw new StorageException(what + ": interrupted", e);
        }
    }

    private static void cancel(List<Future<CompletedPart>> parts) {
        parts.forEach(f -> f.cancel(true));
    }

    private CompletedPart uploadPart(String what, String name, String uploadId, int number, byte[] data, int n,
                                     String checksum) {
        UploadPartRequest.Builder request = UploadPartRequest.builder().bucket(settings.bucket()).key(name)
                .uploadId(uploadId).partNumber(number).contentLength((long) n);
        if (settings.checksums()) {
            request.checksumCRC32C(checksum);
        } else {
            request.contentMD5(S3Checksums.base64(HEX.parseHex(checksum)));
        }
        String eTag = errors.call(what + ": upload part " + number,
                () -> s3.uploadPart(request.build(), S3Uploads.body(data, n))).eTag();
        return completed(number, eTag, checksum);
    }

    private String create(String what, String name, Optional<String> storageClass, boolean fullObjectCrc) {
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(name);
        if (fullObjectCrc) {
            request.checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C)
                    .checksumType(ChecksumType.FULL_OBJECT);
        }
        storageClass.ifPresent(request::storageClass);
        return errors.call(what + ": start a multipart upload", () -> s3.createMultipartUpload(request.build())).uploadId();
    }

    /**
     * Copies {@code from} to {@code to} on the server in parts of {@code partSize} (UploadPartCopy),
     * for objects larger than one CopyObject may copy. The copy is completed without a full-object
     * checksum (the store lists none for copied parts everywhere), so it is verified by size and content.
     *
     * @return whether an if-absent completion found {@code to} taken (nothing was completed)
     */
    boolean copy(String what, String from, String to, long size, long partSize, boolean ifAbsent,
                 Optional<String> storageClass) {
        String uploadId = create(what, to, storageClass, false);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                String range = "bytes=" + offset + "-" + (Math.min(size, offset + partSize) - 1);
                int n = number;
                String eTag = errors.call(what + ": copy part " + n, () -> s3.uploadPartCopy(b -> b
                        .sourceBucket(settings.bucket()).sourceKey(from).destinationBucket(settings.bucket())
                        .destinationKey(to).uploadId(uploadId).partNumber(n).copySourceRange(range)))
                        .copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(eTag).build());
            }
            CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder()
                    .bucket(settings.bucket()).key(to).uploadId(uploadId).multipartUpload(b -> b.parts(parts));
            if (ifAbsent) {
                complete.ifNoneMatch("*");
            }
            errors.call(what + ": complete the copy", () -> s3.completeMultipartUpload(complete.build()));
            return false;
        } catch (dev.heirloom.spi.ObjectExistsException taken) {
            abort(to, uploadId);
            return true;
        } catch (RuntimeException e) {
            abort(to, uploadId);
            throw e;
        }
    }

    /** Unfinished uploads of one key: the newest, with its parts by number, and the others. */
    private record Existing(Optional<String> uploadId, Map<Integer, Part> parts, List<String> others) {
    }

    private Existing find(String what, String name) {
        List<software.amazon.awssdk.services.s3.model.MultipartUpload> uploads = errors.call(
                what + ": look for an interrupted upload", () -> s3.listMultipartUploads(
                        b -> b.bucket(settings.bucket()).prefix(name)).uploads()).stream()
                .filter(u -> u.key().equals(name))
                .sorted(Comparator.comparing((software.amazon.awssdk.services.s3.model.MultipartUpload u) ->
                        Optional.ofNullable(u.initiated()).orElse(Instant.EPOCH)).reversed())
                .toList();
        if (uploads.isEmpty()) {
            return new Existing(Optional.empty(), Map.of(), List.of());
        }
        String newest = uploads.get(0).uploadId();
        Map<Integer, Part> parts = new HashMap<>();
        Integer marker = null;
        while (true) {
            Integer from = marker;
            var page = errors.call(what + ": list the parts already sent", () -> s3.listParts(b -> b.bucket(settings.bucket())
                    .key(name).uploadId(newest).partNumberMarker(from)));
            page.parts().forEach(p -> parts.put(p.partNumber(), p));
            if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
                break;
            }
            marker = page.nextPartNumberMarker();
        }
        LOG.debug("{}: found the interrupted upload {} with {} part(s)", what, newest, parts.size());
        return new Existing(Optional.of(newest), parts,
                uploads.stream().skip(1).map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId).toList());
    }

    /** Aborts an upload, quietly: an upload left behind is removed by the next clean-up. */
    void abort(String name, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(name).uploadId(uploadId));
        } catch (RuntimeException e) {
            LOG.debug("could not abort the upload {} of {}: {}", uploadId, name, errors.scrub(e.getMessage()));
        }
    }

    /** Aborts the uploads under {@code prefix} started before {@code before}; returns how many. */
    int abortOlderThan(String prefix, Instant before) {
        int aborted = 0;
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            String km = keyMarker;
            String im = idMarker;
            var page = s3.listMultipartUploads(b -> b.bucket(settings.bucket()).prefix(prefix).keyMarker(km)
                    .uploadIdMarker(im));
            for (var u : page.uploads()) {
                if (u.initiated() != null && u.initiated().isBefore(before)) {
                    abort(u.key(), u.uploadId());
                    aborted++;
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return aborted;
            }
            keyMarker = page.nextKeyMarker();
            idMarker = page.nextUploadIdMarker();
        }
    }
}
