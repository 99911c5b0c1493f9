package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The GCS test server's buckets: object metadata in memory, each object generation's bytes in a
 * file of its own under a temporary folder, so a corpus of several GB can be stored while the
 * server's heap stays small. A generation's file never changes once published (a copy links it,
 * a corruption writes a new file); replacing or deleting an object unlinks the old file, which a
 * download already streaming keeps reading.
 */
final class GcsObjectStore implements AutoCloseable {

    /** A stored object generation, with the hashes the server computed from its bytes (base64). */
    record Stored(String bucket, String name, Path file, long size, long generation, long metageneration,
                  String contentType, Instant created, Map<String, String> metadata, String md5, String crc32c,
                  Retention retention, Instant retentionExpiration) {

        /** The same generation with another metageneration and retention (a metadata update). */
        Stored withRetention(Retention r) {
            return new Stored(bucket, name, file, size, generation, metageneration + 1, contentType, created, metadata,
                    md5, crc32c, r, retentionExpiration);
        }
    }

    /**
     * An object's retention, as GCS's object retention lock has it: until {@code until} the object
     * can be neither deleted nor replaced; a {@code Locked} one's time can only move later, an
     * {@code Unlocked} one's can be shortened or removed with {@code overrideUnlockedRetention=true}.
     */
    record Retention(String mode, Instant until) {
        static Retention parse(JsonNode n) throws Failure {
            String mode = n.path("mode").asText("");
            if (!mode.equals("Locked") && !mode.equals("Unlocked")) {
                throw new Failure(400, "invalid", "Invalid value for retention mode: '" + mode + "'");
            }
            try {
                return new Retention(mode, Instant.parse(n.path("retainUntilTime").asText("")));
            } catch (java.time.format.DateTimeParseException e) {
                throw new Failure(400, "invalid", "Invalid value for retainUntilTime: '" + n.path("retainUntilTime").asText("") + "'");
            }
        }
    }

    /** An error answered as GCS does. */
    static final class Failure extends Exception {
        final int code;
        final String reason;

        Failure(int code, String reason, String message) {
            super(message);
            this.code = code;
            this.reason = reason;
        }

        static Failure conditionNotMet() {
            return new Failure(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
        }

        static Failure noBucket() {
            return new Failure(404, "notFound", "The specified bucket does not exist.");
        }
    }

    /** The bytes of a resumable upload session, appended in order to a file and hashed when finished. */
    final class Session {
        final String bucket;
        final String name;
        final ObjectNode metadata;
        final Map<String, String> query;
        private final Path file;
        private long received;
        Stored result;

        private Session(String bucket, String name, ObjectNode metadata, Map<String, String> query) throws IOException {
            this.bucket = bucket;
            this.name = name;
            this.metadata = metadata;
            this.query = query;
            this.file = Files.createTempFile(dir, "upload-", ".part");
        }

        long received() {
            return received;
        }

        /**
         * Streams a chunk to the session's file, keeping the bytes at or after what it holds
         * (a client may send again what was kept already).
         *
         * @param length the chunk's length by its Content-Range, or -1 when the body is the whole object
         * @return how many new bytes were kept
         * @throws Failure when the body's length is not {@code length} (nothing of it is kept)
         */
        long append(long from, InputStream body, long length) throws Failure, IOException {
            if (from > received) {
                throw new Failure(400, "invalid", "chunk starts at " + from + " but only " + received + " bytes were received");
            }
            long skip = received - from;
            long seen = 0;
            byte[] buffer = new byte[256 * 1024];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.position(received);
                int n;
                try {
                    while ((n = body.read(buffer)) > 0) {
                        int off = (int) Math.max(0, Math.min(n, skip - seen));
                        seen += n;
                        ByteBuffer b = ByteBuffer.wrap(buffer, off, n - off);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    }
                } catch (IOException e) {
                    // the client went away mid-chunk: nothing of it counts
                    ch.truncate(received);
                    throw e;
                }
                if (length >= 0 && seen != length) {
                    ch.truncate(received);
                    throw new Failure(400, "invalid", "a Content-Range of " + length + " bytes with a body of " + seen);
                }
            }
            long kept = Math.max(0, seen - skip);
            received += kept;
            return kept;
        }

        /** Publishes what was received under the session's name, checking declared hashes and preconditions. */
        Stored finish(String googHash) throws Failure, IOException {
            MessageDigest md5 = md5Digest();
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[1024 * 1024];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(received);
            }
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    md5.update(buffer, 0, n);
                    crc.update(buffer, 0, n);
                }
            }
            // on a refusal the bytes stay, so that a repeated last request gets the same answer
            return publish(bucket, name, metadata, query, file, received, Base64.getEncoder().encodeToString(md5.digest()),
                    crc32cText(crc.getValue()), googHash);
        }

        void discard() {
            deleteQuietly(file);
        }
    }

    private final Path dir;
    private final Map<String, NavigableMap<String, Stored>> buckets = new ConcurrentHashMap<>();
    private final java.util.Set<String> retentionBuckets = ConcurrentHashMap.newKeySet();
    /** Buckets with a retention policy: every object is kept for this long after its creation. */
    private final Map<String, java.time.Duration> bucketPolicies = new ConcurrentHashMap<>();
    private volatile java.time.Duration clockSkew = java.time.Duration.ZERO;
    private final AtomicLong generations = new AtomicLong(System.currentTimeMillis() * 1000);

    GcsObjectStore(Path dir) {
        this.dir = dir;
    }

    /** Creates a bucket; false when it exists. */
    boolean createBucket(String name) {
        return createBucket(name, false);
    }

    /** Creates a bucket, with object retention enabled (as {@code enableObjectRetention=true}) or not; false when it exists. */
    boolean createBucket(String name, boolean objectRetention) {
        boolean created = buckets.putIfAbsent(name, new ConcurrentSkipListMap<>()) == null;
        if (created && objectRetention) {
            retentionBuckets.add(name);
        }
        return created;
    }

    /** Gives a bucket a retention policy (as its {@code retentionPolicy.retentionPeriod}). */
    void bucketRetentionPolicy(String bucket, java.time.Duration period) {
        bucketPolicies.put(bucket, period);
    }

    /** A bucket's retention policy period, or null. */
    java.time.Duration bucketRetentionPolicy(String bucket) {
        return bucketPolicies.get(bucket);
    }

    /** Whether objects of the bucket may carry a retention. */
    boolean objectRetention(String bucket) {
        return retentionBuckets.contains(bucket);
    }

    /** The server's time, which {@link #advanceClock} moves ahead of the machine's. */
    Instant now() {
        return Instant.now().plus(clockSkew);
    }

    void advanceClock(java.time.Duration by) {
        clockSkew = clockSkew.plus(by);
    }

    /** A 403 when the object's retention has not run out. */
    private void checkUnlocked(Stored o) throws Failure {
        Instant expiration = o.retentionExpiration();
        if (expiration != null && expiration.isAfter(now())) {
            throw new Failure(403, "retentionPolicyNotMet", "Object '" + o.bucket() + "/" + o.name()
                    + "' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until "
                    + expiration);
        }
        if (o.retention() != null && o.retention().until().isAfter(now())) {
            throw new Failure(403, "retentionPolicyNotMet", "Object '" + o.bucket() + "/" + o.name()
                    + "' is subject to object retention and cannot be deleted, overwritten or archived until "
                    + o.retention().until());
        }
    }

    /**
     * Changes an object's retention (a PATCH of its {@code retention}): a Locked one may only move
     * later; an Unlocked one may be shortened or removed only with {@code overrideUnlockedRetention=true}.
     */
    Stored patchRetention(String bucket, String name, JsonNode body, Map<String, String> q) throws Failure {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw Failure.noBucket();
        }
        synchronized (objects) {
            Stored o = get(bucket, name);
            preconditions(o, q);
            if (!body.has("retention")) {
                return o;
            }
            Retention wanted = body.get("retention").isNull() ? null : Retention.parse(body.get("retention"));
            if (wanted != null && !objectRetention(bucket)) {
                throw new Failure(400, "invalid", "Object retention is not enabled for bucket " + bucket);
            }
            Retention had = o.retention();
            boolean shorter = had != null && had.until().isAfter(now())
                    && (wanted == null || wanted.until().isBefore(had.until()) || !wanted.mode().equals(had.mode()) && had.mode().equals("Locked"));
            if (shorter && (had.mode().equals("Locked") || !"true".equals(q.get("overrideUnlockedRetention")))) {
                throw new Failure(403, "forbidden", "Retention of object '" + bucket + "/" + name + "' is "
                        + had.mode() + " until " + had.until() + " and cannot be reduced or removed");
            }
            Stored updated = o.withRetention(wanted);
            objects.put(name, updated);
            return updated;
        }
    }

    /** A bucket's objects by name, or null when there is no such bucket. */
    NavigableMap<String, Stored> bucket(String name) {
        return buckets.get(name);
    }

    /** The current generation of an object, or a 404 failure. */
    Stored get(String bucket, String name) throws Failure {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw Failure.noBucket();
        }
        Stored o = objects.get(name);
        if (o == null) {
            throw new Failure(404, "notFound", "No such object: " + bucket + "/" + name);
        }
        return o;
    }

    Session open(String bucket, String name, ObjectNode metadata, Map<String, String> query) throws IOException {
        return new Session(bucket, name, metadata, Map.copyOf(query));
    }

    /** Stores bytes sent in one request (media or multipart upload). */
    Stored put(String bucket, String name, ObjectNode meta, Map<String, String> query, byte[] data, String googHash)
            throws Failure, IOException {
        Path file = Files.createTempFile(dir, "object-", ".data");
        try {
            Files.write(file, data);
            CRC32C crc = new CRC32C();
            crc.update(data);
            return publish(bucket, name, meta, query, file, data.length,
                    Base64.getEncoder().encodeToString(md5Digest().digest(data)), crc32cText(crc.getValue()), googHash);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Copies an object on the server (rewrite or copyTo): the new generation shares the source's
     * bytes and hashes; {@code ifGenerationMatch} and the other destination preconditions apply.
     */
    Stored copy(Stored source, String bucket, String name, ObjectNode meta, Map<String, String> query)
            throws Failure, IOException {
        Path file = dir.resolve("copy-" + generations.incrementAndGet() + ".data");
        try {
            Files.createLink(file, source.file);
        } catch (NoSuchFileException e) {
            throw new Failure(404, "notFound", "No such object: " + source.bucket + "/" + source.name);
        }
        try {
            ObjectNode m = meta.deepCopy();
            m.remove("md5Hash");
            m.remove("crc32c");
            if (!m.hasNonNull("contentType")) {
                m.put("contentType", source.contentType);
            }
            return publish(bucket, name, m, query, file, source.size, source.md5, source.crc32c, null);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Removes an object whose preconditions hold. */
    void delete(String bucket, String name, Map<String, String> query) throws Failure {
        Stored o = get(bucket, name);
        preconditions(o, query);
        checkUnlocked(o);
        if (buckets.get(bucket).remove(name, o)) {
            deleteQuietly(o.file);
        }
    }

    /** Flips one bit of an object's bytes in place of its generation, re-hashing what is stored. */
    void corrupt(String bucket, String name, long offset) throws IOException {
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        Stored o = objects.get(name);
        byte[] data = Files.readAllBytes(o.file);
        data[(int) offset] ^= 1;
        Path file = dir.resolve("object-" + generations.incrementAndGet() + ".data");
        Files.write(file, data);
        CRC32C crc = new CRC32C();
        crc.update(data);
        objects.put(name, new Stored(o.bucket, o.name, file, o.size, o.generation, o.metageneration, o.contentType,
                o.created, o.metadata, Base64.getEncoder().encodeToString(md5Digest().digest(data)), crc32cText(crc.getValue()),
                o.retention, o.retentionExpiration));
        deleteQuietly(o.file);
    }

    /**
     * Checks the declared hashes and the preconditions, then moves {@code file} in as a new
     * generation (the caller removes {@code file} if it is still there afterwards).
     */
    private Stored publish(String bucket, String name, ObjectNode meta, Map<String, String> q, Path file, long size,
                           String md5, String crc, String googHash) throws Failure, IOException {
        if (meta.hasNonNull("md5Hash") && !meta.get("md5Hash").asText().equals(md5)) {
            throw new Failure(400, "invalid", "Provided MD5 hash \"" + meta.get("md5Hash").asText()
                    + "\" doesn't match calculated MD5 hash \"" + md5 + "\".");
        }
        if (meta.hasNonNull("crc32c") && !meta.get("crc32c").asText().equals(crc)) {
            throw new Failure(400, "invalid", "Provided CRC32C \"" + meta.get("crc32c").asText()
                    + "\" doesn't match calculated CRC32C \"" + crc + "\".");
        }
        if (googHash != null) {
            for (String h : googHash.split(",")) {
                String[] kv = h.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals("crc32c") && !kv[1].equals(crc)) {
                    throw new Failure(400, "invalid", "Provided CRC32C \"" + kv[1] + "\" doesn't match calculated CRC32C \"" + crc + "\".");
                }
                if (kv.length == 2 && kv[0].equals("md5") && !kv[1].equals(md5)) {
                    throw new Failure(400, "invalid", "Provided MD5 hash \"" + kv[1] + "\" doesn't match calculated MD5 hash \"" + md5 + "\".");
                }
            }
        }
        NavigableMap<String, Stored> objects = buckets.get(bucket);
        if (objects == null) {
            throw Failure.noBucket();
        }
        Retention retention = meta.hasNonNull("retention") ? Retention.parse(meta.get("retention")) : null;
        if (retention != null && !objectRetention(bucket)) {
            throw new Failure(400, "invalid", "Object retention is not enabled for bucket " + bucket);
        }
        synchronized (objects) {
            Stored existing = objects.get(name);
            if (q.containsKey("ifGenerationMatch")) {
                long want = Long.parseLong(q.get("ifGenerationMatch"));
                if (want == 0 ? existing != null : existing == null || existing.generation != want) {
                    throw Failure.conditionNotMet();
                }
            }
            if (existing != null) {
                Map<String, String> rest = new LinkedHashMap<>(q);
                rest.remove("ifGenerationMatch");
                preconditions(existing, rest);
            } else if (q.containsKey("ifMetagenerationMatch")) {
                throw Failure.conditionNotMet();
            }
            if (existing != null) {
                checkUnlocked(existing);
            }
            Map<String, String> custom = new LinkedHashMap<>();
            if (meta.has("metadata") && meta.get("metadata").isObject()) {
                meta.get("metadata").fields().forEachRemaining(e -> custom.put(e.getKey(), e.getValue().asText()));
            }
            String type = meta.hasNonNull("contentType") ? meta.get("contentType").asText() : "application/octet-stream";
            long generation = generations.incrementAndGet();
            Path stored = dir.resolve("object-" + generation + ".data");
            Files.move(file, stored, StandardCopyOption.ATOMIC_MOVE);
            Instant created = now().truncatedTo(ChronoUnit.MILLIS);
            java.time.Duration policy = bucketPolicies.get(bucket);
            Stored o = new Stored(bucket, name, stored, size, generation, 1, type, created, Map.copyOf(custom), md5, crc,
                    retention, policy == null ? null : created.plus(policy));
            objects.put(name, o);
            if (existing != null) {
                deleteQuietly(existing.file);
            }
            return o;
        }
    }

    /** The precondition query parameters a read, delete or replace may carry (412 when one fails). */
    static void preconditions(Stored o, Map<String, String> q) throws Failure {
        boolean ok = true;
        if (q.containsKey("ifGenerationMatch")) {
            ok &= o.generation == Long.parseLong(q.get("ifGenerationMatch"));
        }
        if (q.containsKey("ifGenerationNotMatch")) {
            ok &= o.generation != Long.parseLong(q.get("ifGenerationNotMatch"));
        }
        if (q.containsKey("ifMetagenerationMatch")) {
            ok &= o.metageneration == Long.parseLong(q.get("ifMetagenerationMatch"));
        }
        if (q.containsKey("ifMetagenerationNotMatch")) {
            ok &= o.metageneration != Long.parseLong(q.get("ifMetagenerationNotMatch"));
        }
        if (!ok) {
            throw Failure.conditionNotMet();
        }
    }

    /** Removes every stored byte. */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(GcsObjectStore::deleteQuietly);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a test server's leftover in a temporary folder
        }
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String crc32cText(long value) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) value).array());
    }
}
