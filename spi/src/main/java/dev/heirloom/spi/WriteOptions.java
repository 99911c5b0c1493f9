package dev.heirloom.spi;

import java.util.Objects;

/**
 * How a write must behave.
 *
 * @param ifAbsent true to create only when no object has the key (else {@link ObjectExistsException});
 *                 false to replace an existing object atomically
 * @param expected checksums the content must have; the provider verifies every one it can compute
 *                 while writing (at least {@link ChecksumAlgorithm#SHA256}) and publishes nothing
 *                 on a mismatch; backends that check checksums themselves receive them too
 */
public record WriteOptions(boolean ifAbsent, Checksums expected) {
    public WriteOptions {
        Objects.requireNonNull(expected, "expected");
    }

    /** Create only if absent, verifying the given checksums. */
    public static WriteOptions createIfAbsent(Checksums expected) {
        return new WriteOptions(true, expected);
    }

    /** Create or atomically replace, verifying the given checksums. */
    public static WriteOptions replace(Checksums expected) {
        return new WriteOptions(false, expected);
    }
}
