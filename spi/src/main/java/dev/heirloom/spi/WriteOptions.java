package dev.heirloom.spi;

import java.util.Objects;

/**
 * How a write must behave. Made with {@link #createIfAbsent} or {@link #replace}, so that a new
 * option (say, a retention period) is a new method with a default, never a breaking change for
 * providers. Immutable.
 */
public final class WriteOptions {
    private final boolean ifAbsent;
    private final Checksums expected;

    private WriteOptions(boolean ifAbsent, Checksums expected) {
        this.ifAbsent = ifAbsent;
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    /** Create only if absent, verifying the given checksums. */
    public static WriteOptions createIfAbsent(Checksums expected) {
        return new WriteOptions(true, expected);
    }

    /** Create or atomically replace, verifying the given checksums. */
    public static WriteOptions replace(Checksums expected) {
        return new WriteOptions(false, expected);
    }

    /** True to create only when no object has the key (else {@link ObjectExistsException}); false to replace atomically. */
    public boolean ifAbsent() {
        return ifAbsent;
    }

    /**
     * Checksums the content must have: the provider verifies every one it can compute while
     * writing (at least {@link ChecksumAlgorithm#SHA256}) and publishes nothing on a mismatch;
     * backends that check checksums themselves receive them too.
     */
    public Checksums expected() {
        return expected;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteOptions w && ifAbsent == w.ifAbsent && expected.equals(w.expected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ifAbsent, expected);
    }

    @Override
    public String toString() {
        return "WriteOptions[ifAbsent=" + ifAbsent + ", expected=" + expected + "]";
    }
}
