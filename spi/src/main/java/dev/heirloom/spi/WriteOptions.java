package dev.heirloom.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a write must behave. Made with {@link #createIfAbsent} or {@link #replace}, so that a new
 * option (say, a retention period) is a new method with a default, never a breaking change for
 * providers. Immutable.
 */
public final class WriteOptions {
    private final boolean ifAbsent;
    private final Checksums expected;
    private final boolean groupCommit;
    private final Optional<Instant> retainUntil;

    private WriteOptions(boolean ifAbsent, Checksums expected, boolean groupCommit, Optional<Instant> retainUntil) {
        this.ifAbsent = ifAbsent;
        this.expected = Objects.requireNonNull(expected, "expected");
        this.groupCommit = groupCommit;
        this.retainUntil = Objects.requireNonNull(retainUntil, "retainUntil");
    }

    /** Create only if absent, verifying the given checksums. */
    public static WriteOptions createIfAbsent(Checksums expected) {
        return new WriteOptions(true, expected, false, Optional.empty());
    }

    /** Create or atomically replace, verifying the given checksums. */
    public static WriteOptions replace(Checksums expected) {
        return new WriteOptions(false, expected, false, Optional.empty());
    }

    /**
     * The same options, allowing the provider to commit this create-if-absent write together with
     * others: the object may stay invisible to other clients, and not yet durable, until the next
     * {@link StorageTarget#flush()}, which publishes it or throws. Meanwhile this target's own
     * {@link StorageTarget#stat} and {@link StorageTarget#read} see it as stored; a
     * {@link StorageTarget#list} need not. For content-addressed data whose only reader before the
     * next flush is the writer (content objects, trees), never for a lock or a record that others
     * must see at once. A provider that publishes every write when it returns ignores it.
     *
     * @throws IllegalStateException on options that replace
     */
    public WriteOptions withGroupCommit() {
        if (!ifAbsent) {
            throw new IllegalStateException("only a create-if-absent write can be committed with others");
        }
        return new WriteOptions(true, expected, true, retainUntil);
    }

    /**
     * The same options, asking the backend to lock the object until {@code until}: it can then be
     * neither deleted nor replaced before that time (see {@link Capabilities#objectLock()}). Only for
     * a target with that capability; a provider without it refuses the write with
     * {@link UnsupportedOperationException} rather than store an object unprotected.
     */
    public WriteOptions withRetainUntil(Instant until) {
        return new WriteOptions(ifAbsent, expected, groupCommit, Optional.of(Objects.requireNonNull(until, "until")));
    }

    /**
     * For a provider whose target cannot lock objects: refuses these options when they ask for a
     * lock, before anything is written, so that no object is ever stored unprotected by mistake.
     *
     * @throws UnsupportedOperationException when {@link #retainUntil()} is set
     */
    public WriteOptions refuseLock(String target) {
        if (retainUntil.isPresent()) {
            throw new UnsupportedOperationException(target + " cannot lock objects against deletion");
        }
        return this;
    }

    /** When the object must stay locked until, if the write asks for a lock ({@link #withRetainUntil}). */
    public Optional<Instant> retainUntil() {
        return retainUntil;
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

    /** True when the provider may publish this write as late as the next flush ({@link #withGroupCommit()}). */
    public boolean groupCommit() {
        return groupCommit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteOptions w && ifAbsent == w.ifAbsent && groupCommit == w.groupCommit
                && expected.equals(w.expected) && retainUntil.equals(w.retainUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ifAbsent, expected, groupCommit, retainUntil);
    }

    @Override
    public String toString() {
        return "WriteOptions[ifAbsent=" + ifAbsent + ", groupCommit=" + groupCommit + ", expected=" + expected
                + retainUntil.map(t -> ", retainUntil=" + t).orElse("") + "]";
    }
}
