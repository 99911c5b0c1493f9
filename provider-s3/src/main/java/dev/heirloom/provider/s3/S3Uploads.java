package dev.heirloom.provider.s3;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteVerifier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * How bytes reach the store: content up to one part in a single PUT, larger content by a
 * {@link MultipartUpload}; and server-side copies, for publishing staged content (CopyObject up
 * to {@link #copyPartLimit}, a multipart copy above it, since S3 copies at most 5 GiB at once).
 */
final class S3Uploads {
    /** The largest object one CopyObject may copy on S3. */
    static final long MAX_SINGLE_COPY = 5L << 30;

    private final S3Client s3;
    private final S3Settings settings;
    private final S3Errors errors;
    private final MultipartUpload multipart;
    private final long copyPartLimit;

    /** @param copyPartLimit the largest object copied by one CopyObject, and the part size of larger copies */
    S3Uploads(S3Client s3, S3Settings settings, S3Errors errors, long copyPartLimit) {
        this.s3 = s3;
        this.settings = settings;
        this.errors = errors;
        this.multipart = new MultipartUpload(s3, settings, errors);
        this.copyPartLimit = copyPartLimit;
    }

    MultipartUpload multipart() {
        return multipart;
    }

    /** Sends {@code content} to {@code name}, the verifier seeing every byte before the object can appear. */
    MultipartUpload.Uploaded send(String what, String name, ContentSource content, WriteVerifier verifier,
                                  boolean ifAbsent, Optional<String> storageClass) {
        return content.size() <= settings.partSize()
                ? putWhole(what, name, content, verifier, ifAbsent, storageClass)
                : multipart.upload(what, name, content, verifier, ifAbsent, storageClass);
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
        Checksums sums = verifier.verify();
        // CRC-32C for the store; SHA-256 (when nobody computed it yet) only for an if-absent write,
        // whose 412 is told apart from a real conflict by hashing what the store holds
        Set<ChecksumAlgorithm> missing = java.util.EnumSet.of(ChecksumAlgorithm.CRC32C);
        if (ifAbsent && sums.get(ChecksumAlgorithm.SHA256).isEmpty()) {
            missing.add(ChecksumAlgorithm.SHA256);
        }
        MultiDigest digest = MultiDigest.exactly(missing);
        digest.update(bytes, 0, bytes.length);
        for (var e : digest.finish().values().entrySet()) {
            sums = sums.with(e.getKey(), e.getValue());
        }
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
            errors.call(what, () -> s3.putObject(request.build(), body(bytes, bytes.length)));
        } catch (ObjectExistsException taken) {
            return new MultipartUpload.Uploaded(sums, 0, true);
        }
        return new MultipartUpload.Uploaded(sums, 0, false);
    }

    /**
     * The first {@code length} bytes of an array as a request body, without the copy
     * {@code RequestBody.fromBytes} makes (the array must not change until the call returns).
     */
    static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    /**
     * Copies {@code from} to {@code to} on the server, with a CRC-32C the store computes for the
     * copy (where it keeps checksums).
     *
     * @return whether an if-absent copy found {@code to} taken (nothing was copied)
     */
    boolean copy(String what, String from, String to, long size, boolean ifAbsent, Optional<String> storageClass) {
        if (size > copyPartLimit) {
            return multipart.copy(what, from, to, size, copyPartLimit, ifAbsent, storageClass);
        }
        CopyObjectRequest.Builder request = CopyObjectRequest.builder().sourceBucket(settings.bucket()).sourceKey(from)
                .destinationBucket(settings.bucket()).destinationKey(to);
        if (settings.checksums()) {
            request.checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C);
        }
        if (ifAbsent) {
            request.ifNoneMatch("*");
        }
        storageClass.ifPresent(request::storageClass);
        try {
            errors.call(what, () -> s3.copyObject(request.build()));
            return false;
        } catch (ObjectExistsException taken) {
            return true;
        }
    }
}
