package dev.heirloom.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a target knows about one stored object.
 *
 * @param key          the object's key
 * @param size         its length in bytes
 * @param lastModified when the backend last wrote it, if it says
 * @param checksums    checksums the backend computed or stored for it (see
 *                     {@link Capabilities#serverChecksums()}); may be empty
 */
public record ObjectInfo(String key, long size, Optional<Instant> lastModified, Checksums checksums) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(checksums, "checksums");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /**
     * Whether this object is, as far as its size and the checksums both sides know can tell, the
     * content described: how a retried create-if-absent recognises its own earlier try.
     */
    public boolean matches(long expectedSize, Checksums expected) {
        return size == expectedSize && expected.firstMismatch(checksums).isEmpty();
    }

    public static ObjectInfo of(String key, long size) {
        return new ObjectInfo(key, size, Optional.empty(), Checksums.none());
    }
}
