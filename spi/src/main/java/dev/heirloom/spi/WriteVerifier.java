package dev.heirloom.spi;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider uses to keep the write contract: feed it every byte sent, then call
 * {@link #verify} before publishing. It computes only the expected checksums that the content
 * source does not already vouch for ({@link ContentSource#knownChecksums()}), and fails when the
 * byte count or any checksum differs. Not thread-safe; one per write.
 */
public final class WriteVerifier {
    private final String key;
    private final long size;
    private final Checksums expected;
    private final Checksums known;
    private final MultiDigest digest;

    /**
     * A verifier for one write of {@code content} under {@code key} (named in failures) that must
     * have {@code expected}'s checksums and exactly {@link ContentSource#size()} bytes.
     */
    public WriteVerifier(String key, ContentSource content, Checksums expected) {
        this.key = key;
        this.size = content.size();
        this.expected = expected;
        this.known = content.knownChecksums();
        Set<ChecksumAlgorithm> toCompute = EnumSet.noneOf(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : expected.values().keySet()) {
            if (known.get(a).isEmpty()) {
                toCompute.add(a);
            }
        }
        this.digest = MultiDigest.exactly(toCompute);
    }

    /** Counts and hashes bytes as they are sent. */
    public void update(byte[] bytes, int offset, int count) {
        digest.update(bytes, offset, count);
    }

    /** Bytes seen so far. */
    public long length() {
        return digest.length();
    }

    /** Whether more bytes than declared were seen (the caller may stop reading). */
    public boolean overflowed() {
        return digest.length() > size;
    }

    /**
     * Checks the byte count and every expected checksum.
     *
     * @return the checksums known for the written content
     * @throws ChecksumMismatchException saying what differs; the caller must not publish
     */
    public Checksums verify() {
        if (digest.length() != size) {
            throw new ChecksumMismatchException("content for " + key + " had " + (overflowed() ? "more than " : "")
                    + digest.length() + " bytes, expected " + size + "; nothing was stored");
        }
        Map<ChecksumAlgorithm, String> all = new EnumMap<>(ChecksumAlgorithm.class);
        all.putAll(known.values());
        all.putAll(digest.finish().values());
        Checksums actual = new Checksums(all);
        Optional<ChecksumAlgorithm> bad = expected.firstMismatch(actual);
        if (bad.isPresent()) {
            throw new ChecksumMismatchException("content for " + key + " has " + bad.get() + " "
                    + actual.get(bad.get()).orElse("?") + ", expected " + expected.get(bad.get()).orElse("?")
                    + "; nothing was stored");
        }
        return actual;
    }
}
