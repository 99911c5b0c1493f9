package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import dev.heirloom.spi.AuthenticationException;
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
 * created with object retention enabled. Knows the wire forms of that setting and tells a
 * refusal caused by a retention from one caused by credentials.
 */
final class GcsRetention {
    /** The mode Heirloom sets: a time that can only move later. */
    static final String MODE = "Locked";

    private GcsRetention() {
    }

    /**
     * Whether the bucket lets objects carry a retention. A caller that may not read the bucket's
     * settings (object-level roles only) learns nothing, and the target then claims no lock.
     */
    static boolean enabled(Storage storage, String bucket) {
        try {
            BucketInfo b = storage.get(bucket, Storage.BucketGetOption.fields(Storage.BucketField.OBJECT_RETENTION));
            return b != null && b.getObjectRetention() != null
                    && b.getObjectRetention().getMode() == BucketInfo.ObjectRetention.Mode.ENABLED;
        } catch (com.google.cloud.storage.StorageException e) {
            if (e.getCode() == 403 || e.getCode() == 401) {
                return false;
            }
            throw e;
        }
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

    /** The retention time in an object resource, if it has one. */
    static Optional<Instant> until(JsonNode object) {
        JsonNode t = object.path("retention").path("retainUntilTime");
        return t.isTextual() ? Optional.of(Instant.parse(t.asText())) : Optional.empty();
    }

    /** The retention time of an object as the client describes it, if it has one. */
    static Optional<Instant> until(BlobInfo b) {
        return b.getRetention() == null || b.getRetention().getRetainUntilTime() == null ? Optional.empty()
                : Optional.of(b.getRetention().getRetainUntilTime().toInstant());
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
