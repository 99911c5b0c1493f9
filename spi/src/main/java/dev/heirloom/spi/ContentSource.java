package dev.heirloom.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Bytes to write, which can be read again from the start: a retried write calls {@link #open()}
 * once more. Each stream returned is the caller's to close.
 */
public interface ContentSource {
    /** The exact number of bytes every {@link #open()} yields; a write that sees another count fails. */
    long size();

    /** A new stream over the whole content, from the first byte. */
    InputStream open() throws IOException;

    /**
     * Checksums of exactly the bytes that every {@link #open()} yields, vouched for by the source
     * itself because the content cannot change (in-memory content hashed by its owner). A provider
     * verifying a write need not compute these again. Empty by default.
     */
    default Checksums knownChecksums() {
        return Checksums.none();
    }

    /**
     * A name for exactly the bytes every {@link #open()} yields, the same in every run and process:
     * two sources with one identity yield the same bytes. 1 to 64 characters of {@code [0-9a-z-]}.
     * A provider that resumes interrupted uploads keys them on it when no expected SHA-256 names the
     * content (ciphertext that an encrypted repository makes the same on every try); empty, the
     * default, when the bytes are not known to repeat.
     */
    default Optional<String> identity() {
        return Optional.empty();
    }

    /** Content held in memory. The array is not copied and must not change. */
    static ContentSource ofBytes(byte[] bytes) {
        return ofBytes(bytes, Checksums.none());
    }

    /**
     * Content held in memory whose checksums the caller computed from this very array. The array
     * is not copied and must not change.
     */
    static ContentSource ofBytes(byte[] bytes, Checksums checksumsOfBytes) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(checksumsOfBytes, "checksumsOfBytes");
        return new ContentSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public Checksums knownChecksums() {
                return checksumsOfBytes;
            }
        };
    }

    /**
     * Content of a file whose size is known. If the file changes, the written checksum or size no
     * longer matches and the write fails rather than storing something else.
     */
    static ContentSource ofFile(Path file, long size) {
        Objects.requireNonNull(file, "file");
        return new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }
}
