package dev.heirloom.spi;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Facts about a target that core plans around.
 *
 * @param serverChecksums    checksums the backend itself computed or stored for every object and
 *                           returns from {@link StorageTarget#stat} without reading the content
 * @param conditionalCreate  whether {@link WriteOptions#ifAbsent()} is enforced atomically by the
 *                           backend (false: check-then-act, safe only with a single writer)
 * @param atomicReplace      whether a replacing write swaps the whole object atomically
 * @param rangeRead          whether a ranged read fetches only the range (false: it is emulated)
 * @param maxConcurrency     how many calls core may have in flight on this target at once (≥ 1)
 * @param retriesInternally  whether the provider's client already retries transient errors, so
 *                           that core must not add its own retries on top
 * @param staging            whether {@link StorageTarget#stage} is supported
 * @param serverHashing      whether {@link StorageTarget#hashOnServer} is supported
 */
public record Capabilities(Set<ChecksumAlgorithm> serverChecksums,
                           boolean conditionalCreate,
                           boolean atomicReplace,
                           boolean rangeRead,
                           int maxConcurrency,
                           boolean retriesInternally,
                           boolean staging,
                           boolean serverHashing) {
    public Capabilities {
        serverChecksums = Set.copyOf(Objects.requireNonNull(serverChecksums, "serverChecksums"));
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1");
        }
    }

    /** Capabilities of a target that neither stages content nor hashes on the server. */
    public Capabilities(Set<ChecksumAlgorithm> serverChecksums, boolean conditionalCreate, boolean atomicReplace,
                        boolean rangeRead, int maxConcurrency, boolean retriesInternally) {
        this(serverChecksums, conditionalCreate, atomicReplace, rangeRead, maxConcurrency, retriesInternally, false,
                false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder starting from: no server checksums, no guarantees, concurrency 4, no internal retries, no staging, no hashing on the server. */
    public static final class Builder {
        private final Set<ChecksumAlgorithm> serverChecksums = EnumSet.noneOf(ChecksumAlgorithm.class);
        private boolean conditionalCreate;
        private boolean atomicReplace;
        private boolean rangeRead;
        private int maxConcurrency = 4;
        private boolean retriesInternally;
        private boolean staging;
        private boolean serverHashing;

        public Builder serverChecksums(ChecksumAlgorithm... algorithms) {
            serverChecksums.addAll(Set.of(algorithms));
            return this;
        }

        public Builder conditionalCreate(boolean value) {
            conditionalCreate = value;
            return this;
        }

        public Builder atomicReplace(boolean value) {
            atomicReplace = value;
            return this;
        }

        public Builder rangeRead(boolean value) {
            rangeRead = value;
            return this;
        }

        public Builder maxConcurrency(int value) {
            maxConcurrency = value;
            return this;
        }

        public Builder retriesInternally(boolean value) {
            retriesInternally = value;
            return this;
        }

        public Builder staging(boolean value) {
            staging = value;
            return this;
        }

        public Builder serverHashing(boolean value) {
            serverHashing = value;
            return this;
        }

        public Capabilities build() {
            return new Capabilities(serverChecksums, conditionalCreate, atomicReplace, rangeRead,
                    maxConcurrency, retriesInternally, staging, serverHashing);
        }
    }
}
