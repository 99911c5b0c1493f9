package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Large content sent by a resumable upload session in chunks, the session URI saved in
 * {@code resumeDir} (owner-only) under a key that names the content, so an upload cut by a
 * dropped connection or a killed process continues from what the service holds on the next try
 * or run. The session is started with the MD5/CRC-32C the content must have, when known: the
 * service then refuses to finish an upload of other bytes.
 */
final class ResumableUploads {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableUploads.class);

    private final JsonApiUploads uploads;
    private final String bucket;
    private final int chunkSize;
    private final Path resumeDir;
    private final AtomicLong resumedBytes = new AtomicLong();

    ResumableUploads(JsonApiUploads uploads, String bucket, int chunkSize, Path resumeDir) {
        this.uploads = uploads;
        this.bucket = bucket;
        this.chunkSize = chunkSize;
        this.resumeDir = resumeDir;
    }

    /** Bytes that resumed uploads did not send again. */
    long resumedBytes() {
        return resumedBytes.get();
    }

    /**
     * Uploads the content to {@code name}, resuming the session saved under {@code resumeKey}.
     *
     * @param declared  checksums of the content the service is to check (MD5, CRC-32C; others are
     *                  not sent)
     * @param expected  checksums the content must have: those not declared are checked here
     * @param resumeKey names this content for a later run (it must change when the bytes could);
     *                  empty: nothing is saved
     * @return the finished object's metadata
     */
    JsonNode send(String key, String name, ContentSource content, Checksums declared, Checksums expected,
                  Optional<String> storageClass, Optional<java.time.Instant> retainUntil, boolean ifAbsent,
                  Optional<String> resumeKey) {
        long size = content.size();
        Optional<Path> stateFile = resumeKey.map(k -> stateFile(name, size, k));
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
        Checksums vouched = new Checksums(Map.copyOf(declared.values().entrySet().stream()
                .filter(e -> e.getKey() == ChecksumAlgorithm.MD5 || e.getKey() == ChecksumAlgorithm.CRC32C)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
        boolean keepState = false;
        try {
            if (session == null) {
                session = uploads.start(bucket, name, size, vouched, storageClass, retainUntil, ifAbsent);
                if (stateFile.isPresent()) {
                    saveSession(stateFile.get(), session);
                }
            }
            Checksums here = new Checksums(Map.copyOf(expected.values().entrySet().stream()
                    .filter(e -> !vouched.values().containsKey(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
            return upload(key, session, content, here, position);
        } catch (TargetUnavailableException e) {
            keepState = true;
            throw new TargetUnavailableException(e.getMessage()
                    + (stateFile.isPresent() ? "; the upload resumes from what the service holds on the next try" : ""), null);
        } finally {
            if (!keepState) {
                stateFile.ifPresent(ResumableUploads::deleteQuietly);
            }
        }
    }

    /** Forgets the saved session of content that is no longer wanted (it expires on the service). */
    void forget(String name, long size, String resumeKey) {
        deleteQuietly(stateFile(name, size, resumeKey));
    }

    /**
     * Sends the content from {@code position} (the bytes before it only read) and finishes the
     * upload, having checked {@code toCheck} over every byte before the request that finishes it.
     */
    private JsonNode upload(String key, URI session, ContentSource content, Checksums toCheck, long position) {
        long size = content.size();
        WriteVerifier verifier = new WriteVerifier(key, content, toCheck);
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
                    return p.object().orElseThrow(() ->
                            new StorageException("write " + key + ": the service did not finish the upload"));
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

    private Path stateFile(String name, long size, String resumeKey) {
        byte[] what = (bucket + "\n" + name + "\n" + size + "\n" + resumeKey).getBytes(StandardCharsets.UTF_8);
        return resumeDir.resolve(MultiDigest.sha256Hex(what) + ".upload");
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

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
