package dev.heirloom.spi;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A set of checksums of one content, each as lowercase hex.
 *
 * @param values checksum per algorithm; absent algorithms are unknown
 */
public record Checksums(Map<ChecksumAlgorithm, String> values) {
    private static final Checksums NONE = new Checksums(Map.of());

    /** Copies the values, lowercased; the map must not hold nulls. */
    public Checksums {
        EnumMap<ChecksumAlgorithm, String> copy = new EnumMap<>(ChecksumAlgorithm.class);
        values.forEach((k, v) -> copy.put(k, v.toLowerCase(Locale.ROOT)));
        values = Collections.unmodifiableMap(copy);
    }

    /** No checksum known. */
    public static Checksums none() {
        return NONE;
    }

    /** Only the SHA-256, as hex. */
    public static Checksums sha256(String hex) {
        return new Checksums(Map.of(ChecksumAlgorithm.SHA256, hex));
    }

    /** The value for an algorithm, empty when unknown. */
    public Optional<String> get(ChecksumAlgorithm algorithm) {
        return Optional.ofNullable(values.get(algorithm));
    }

    /** A copy with one more checksum. */
    public Checksums with(ChecksumAlgorithm algorithm, String hex) {
        EnumMap<ChecksumAlgorithm, String> copy = new EnumMap<>(ChecksumAlgorithm.class);
        copy.putAll(values);
        copy.put(algorithm, hex);
        return new Checksums(copy);
    }

    /**
     * Compares the algorithms both sides know.
     *
     * @return the first algorithm whose values differ, or empty when all shared ones agree
     */
    public Optional<ChecksumAlgorithm> firstMismatch(Checksums other) {
        for (Map.Entry<ChecksumAlgorithm, String> e : values.entrySet()) {
            String theirs = other.values.get(e.getKey());
            if (theirs != null && !theirs.equals(e.getValue())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** Whether no algorithm's value is known. */
    public boolean isEmpty() {
        return values.isEmpty();
    }
}
