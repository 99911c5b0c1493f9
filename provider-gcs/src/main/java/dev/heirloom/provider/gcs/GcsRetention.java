package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.ObjectLockedException;
import dev.heirloom.spi.StorageException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Function;

/**
 * GCS object retention, as Heirloom uses it: a {@code Locked} retention set at upload, whose
 * time only ever moves later (nobody, whatever their role, can shorten or remove it), on a bucket
 * created with object retention enabled. Knows the wire forms of that setting, refuses a bucket
 * with a retention policy (which would keep lock and state files too), reads such a policy's hold
 * on an object all the same should one be added later, and tells a refusal caused by a retention
 * from one caused by credentials.
 */
final class GcsRetention {
    /** The mode Heirloom sets: a time that can only move later. */
    static final String MODE = "Locked";

    private GcsRetention() {
    }

    /**
     * Whether the bucket lets objects carry a retention. A caller that may not read the bucket's
     * settings (object-level roles only) learns nothing, and the target then claims no lock.
     *
     * @throws InvalidConfigException when the bucket has a retention policy: it keeps every object,
     *         so the repository's lock and state files could be neither replaced nor removed
     */
    static boolean enabled(Storage storage, String bucket) {
        BucketInfo b;
        try {
            b = storage.get(bucket, Storage.BucketGetOption.fields(Storage.BucketField.OBJECT_RETENTION,
                    Storage.BucketField.RETENTION_POLICY));
        } catch (com.google.cloud.storage.StorageException e) {
            if (e.getCode() == 403 || e.getCode() == 401) {
                return false;
            }
            throw e;
        }
        if (b != null && b.getRetentionPeriodDuration() != null && !b.getRetentionPeriodDuration().isZero()) {
            throw new InvalidConfigException("bucket " + bucket + " has a retention policy (every object kept "
                    + b.getRetentionPeriodDuration().toDays() + " day(s) after it is written), so Heirloom's lock files and "
                    + "verification records could be neither replaced nor removed; use a bucket without one, created with "
                    + "object retention enabled, and give the target immutableDays: Heirloom then locks what must last");
        }
        return b != null && b.getObjectRetention() != null
                && b.getObjectRetention().getMode() == BucketInfo.ObjectRetention.Mode.ENABLED;
    }

    /** The {@code retention} member of an object resource to send. */
    static void put(ObjectNode meta, Instant until) {
        ObjectNode r = meta.putObject("retention");
        r.put("mode", MODE);
        r.put("retainUntilTime", until.toString());
    }

    /** The client's form, for a server-side copy's destination. */
    static BlobInfo.Retention of(Instant until) {
        return BlobInfo.Retention.newBuilder().setMode(BlobInfo.Retention.Mode.LOCKED)
                .setRetainUntilTime(until.atOffset(ZoneOffset.UTC)).build();
    }

    /**
     * Until when an object resource says the object is kept: its own retention, or the bucket's
     * retention policy ({@code retentionExpirationTime}), whichever ends later; empty when neither.
     */
    static Optional<Instant> until(JsonNode object) {
        return later(text(object.path("retention").path("retainUntilTime")), text(object.path("retentionExpirationTime")));
    }

    /** {@link #until(JsonNode)}, from the client's description of the object. */
    static Optional<Instant> until(BlobInfo b) {
        Optional<Instant> own = b.getRetention() == null || b.getRetention().getRetainUntilTime() == null ? Optional.empty()
                : Optional.of(b.getRetention().getRetainUntilTime().toInstant());
        return later(own, Optional.ofNullable(b.getRetentionExpirationTimeOffsetDateTime()).map(t -> t.toInstant()));
    }

    private static Optional<Instant> text(JsonNode t) {
        return t.isTextual() ? Optional.of(Instant.parse(t.asText())) : Optional.empty();
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        return a.isEmpty() ? b : b.isEmpty() || a.get().isAfter(b.get()) ? a : b;
    }

    /**
     * The service answers a delete or replace of a retained object with 403, as it does refused
     * credentials: when the object turns out locked, that is what the refusal was.
     *
     * @param stat looks the object up again
     */
    static StorageException explain(String key, AuthenticationException refused, Function<String, Optional<ObjectInfo>> stat) {
        Optional<Instant> until;
        try {
            until = stat.apply(key).flatMap(ObjectInfo::retainUntil);
        } catch (StorageException e) {
            return refused;
        }
        return until.isPresent() && until.get().isAfter(Instant.now()) ? new ObjectLockedException(key, until) : refused;
    }
}
