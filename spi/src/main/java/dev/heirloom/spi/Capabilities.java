package dev.heirloom.spi;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Facts about a target that core plans around. Built with {@link #builder()}, so that a new fact
 * is a new builder method with a safe default, never a breaking change for providers. Immutable.
 */
public final class Capabilities {
    private final Set<ChecksumAlgorithm> serverChecksums;
    private final boolean conditionalCreate;
    private final boolean atomicReplace;
    private final boolean rangeRead;
    private final int maxConcurrency;
    private final boolean retriesInternally;
    private final boolean staging;
    private final boolean serverHashing;
    private final boolean objectLock;

    private Capabilities(Set<ChecksumAlgorithm> serverChecksums, boolean conditionalCreate, boolean atomicReplace,
                         boolean rangeRead, int maxConcurrency, boolean retriesInternally, boolean staging,
                         boolean serverHashing, boolean objectLock) {
        this.serverChecksums = Set.copyOf(Objects.requireNonNull(serverChecksums, "serverChecksums"));
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1");
        }
        this.conditionalCreate = conditionalCreate;
        this.atomicReplace = atomicReplace;
        this.rangeRead = rangeRead;
        this.maxConcurrency = maxConcurrency;
        this.retriesInternally = retriesInternally;
        this.staging = staging;
        this.serverHashing = serverHashing;
        this.objectLock = objectLock;
    }

    /** A builder starting from the most conservative facts (see {@link Builder}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checksums the backend itself computed or stored for every object and returns from
     * {@link StorageTarget#stat} without reading the content.
     */
    public Set<ChecksumAlgorithm> serverChecksums() {
        return serverChecksums;
    }

    /** Whether {@link WriteOptions#ifAbsent()} is enforced atomically by the backend (false: check-then-act, safe only with a single writer). */
    public boolean conditionalCreate() {
        return conditionalCreate;
    }

    /** Whether a replacing write swaps the whole object atomically. */
    public boolean atomicReplace() {
        return atomicReplace;
    }

    /** Whether a ranged read fetches only the range (false: it is emulated). */
    public boolean rangeRead() {
        return rangeRead;
    }

    /** How many calls core may have in flight on this target at once (at least 1). */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Whether the provider's client already retries transient errors, so that core must not add its own retries on top. */
    public boolean retriesInternally() {
        return retriesInternally;
    }

    /** Whether {@link StorageTarget#stage} is supported. */
    public boolean staging() {
        return staging;
    }

    /** Whether {@link StorageTarget#hashOnServer} is supported. */
    public boolean serverHashing() {
        return serverHashing;
    }

    /**
     * Whether the backend enforces a retention time given with {@link WriteOptions#withRetainUntil}:
     * until then nobody, whatever their credentials, can delete or replace the object or bring the
     * time forward; {@link StorageTarget#extendRetention} moves it later, and {@link ObjectInfo#retainUntil()}
     * reports it. False when the backend cannot, or the bucket or container is not set up for it.
     */
    public boolean objectLock() {
        return objectLock;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && serverChecksums.equals(c.serverChecksums)
                && conditionalCreate == c.conditionalCreate && atomicReplace == c.atomicReplace
                && rangeRead == c.rangeRead && maxConcurrency == c.maxConcurrency
                && retriesInternally == c.retriesInternally && staging == c.staging && serverHashing == c.serverHashing
                && objectLock == c.objectLock;
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverChecksums, conditionalCreate, atomicReplace, rangeRead, maxConcurrency,
                retriesInternally, staging, serverHashing, objectLock);
    }

    @Override
    public String toString() {
        return "Capabilities[serverChecksums=" + serverChecksums + ", conditionalCreate=" + conditionalCreate
                + ", atomicReplace=" + atomicReplace + ", rangeRead=" + rangeRead + ", maxConcurrency=" + maxConcurrency
                + ", retriesInternally=" + retriesInternally + ", staging=" + staging + ", serverHashing=" + serverHashing + ", objectLock=" + objectLock + "]";
    }

    /** Builder starting from: no server checksums, no guarantees, concurrency 4, no internal retries, no staging, no hashing on the server, no object lock. */
    public static final class Builder {
        private final Set<ChecksumAlgorithm> serverChecksums = EnumSet.noneOf(ChecksumAlgorithm.class);
        private boolean conditionalCreate;
        private boolean atomicReplace;
        private boolean rangeRead;
        private int maxConcurrency = 4;
        private boolean retriesInternally;
        private boolean staging;
        private boolean serverHashing;
        private boolean objectLock;

        private Builder() {
        }

        /** Adds to {@link Capabilities#serverChecksums()}; default none. */
        public Builder serverChecksums(ChecksumAlgorithm... algorithms) {
            serverChecksums.addAll(Set.of(algorithms));
            return this;
        }

        /** {@link Capabilities#conditionalCreate()}; default false. */
        public Builder conditionalCreate(boolean value) {
            conditionalCreate = value;
            return this;
        }

        /** {@link Capabilities#atomicReplace()}; default false. */
        public Builder atomicReplace(boolean value) {
            atomicReplace = value;
            return this;
        }

        /** {@link Capabilities#rangeRead()}; default false. */
        public Builder rangeRead(boolean value) {
            rangeRead = value;
            return this;
        }

        /** {@link Capabilities#maxConcurrency()}; default 4. */
        public Builder maxConcurrency(int value) {
            maxConcurrency = value;
            return this;
        }

        /** {@link Capabilities#retriesInternally()}; default false. */
        public Builder retriesInternally(boolean value) {
            retriesInternally = value;
            return this;
        }

        /** {@link Capabilities#staging()}; default false. */
        public Builder staging(boolean value) {
            staging = value;
            return this;
        }

        /** {@link Capabilities#serverHashing()}; default false. */
        public Builder serverHashing(boolean value) {
            serverHashing = value;
            return this;
        }

        /** {@link Capabilities#objectLock()}; default false. */
        public Builder objectLock(boolean value) {
            objectLock = value;
            return this;
        }

        /** @throws IllegalArgumentException when maxConcurrency is below 1 */
        public Capabilities build() {
            return new Capabilities(serverChecksums, conditionalCreate, atomicReplace, rangeRead,
                    maxConcurrency, retriesInternally, staging, serverHashing, objectLock);
        }
    }
}
