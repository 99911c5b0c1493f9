package dev.heirloom.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a target knows about one stored object. Made with {@link #of(String, long)} or
 * {@link #of(String, long, Optional, Checksums)}, so that a new fact is a new factory, never a
 * breaking change for providers. Immutable.
 */
public final class ObjectInfo {
    private final String key;
    private final long size;
    private final Optional<Instant> lastModified;
    private final Checksums checksums;
    private final Optional<Instant> retainUntil;

    private ObjectInfo(String key, long size, Optional<Instant> lastModified, Checksums checksums,
                       Optional<Instant> retainUntil) {
        this.key = Objects.requireNonNull(key, "key");
        this.retainUntil = Objects.requireNonNull(retainUntil, "retainUntil");
        this.lastModified = Objects.requireNonNull(lastModified, "lastModified");
        this.checksums = Objects.requireNonNull(checksums, "checksums");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
    }

    /** An object of which only the key and size are known. */
    public static ObjectInfo of(String key, long size) {
        return new ObjectInfo(key, size, Optional.empty(), Checksums.none(), Optional.empty());
    }

    /**
     * @param lastModified when the backend last wrote it, if it says
     * @param checksums    checksums the backend computed or stored for it (see
     *                     {@link Capabilities#serverChecksums()}); may be empty
     */
    public static ObjectInfo of(String key, long size, Optional<Instant> lastModified, Checksums checksums) {
        return new ObjectInfo(key, size, lastModified, checksums, Optional.empty());
    }

    /** The object's key. */
    public String key() {
        return key;
    }

    /** Its length in bytes. */
    public long size() {
        return size;
    }

    /** When the backend last wrote it, if it says. */
    public Optional<Instant> lastModified() {
        return lastModified;
    }

    /** Checksums the backend computed or stored for it; may be empty. */
    public Checksums checksums() {
        return checksums;
    }

    /**
     * The same facts, with the time until which the backend keeps the object locked against
     * deletion and replacement (see {@link Capabilities#objectLock()}); empty when it is not locked.
     */
    public ObjectInfo withRetainUntil(Optional<Instant> until) {
        return new ObjectInfo(key, size, lastModified, checksums, until);
    }

    /**
     * Until when the backend refuses to delete or replace the object, as far as it says: a time
     * in the past means the lock has run out; empty means no lock (or a backend that does not tell).
     */
    public Optional<Instant> retainUntil() {
        return retainUntil;
    }

    /**
     * Whether this object is, as far as its size and the checksums both sides know can tell, the
     * content described: how a retried create-if-absent recognises its own earlier try.
     */
    public boolean matches(long expectedSize, Checksums expected) {
        return size == expectedSize && expected.firstMismatch(checksums).isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectInfo i && key.equals(i.key) && size == i.size && lastModified.equals(i.lastModified)
                && checksums.equals(i.checksums) && retainUntil.equals(i.retainUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, size, lastModified, checksums, retainUntil);
    }

    @Override
    public String toString() {
        return "ObjectInfo[key=" + key + ", size=" + size + ", lastModified=" + lastModified + ", checksums=" + checksums
                + retainUntil.map(t -> ", retainUntil=" + t).orElse("") + "]";
    }
}
