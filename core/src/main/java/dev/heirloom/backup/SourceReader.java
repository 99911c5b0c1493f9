package dev.heirloom.backup;

import dev.heirloom.repository.PrefixHashes;
import dev.heirloom.source.SourceEntry;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Reads and hashes source files. A file up to the small-file limit is read once into a pooled
 * array, so every target can be fed from memory; a larger one is streamed through the digest. A
 * file whose size or mtime changed while it was read yields nothing (the caller reads it again).
 */
final class SourceReader {
    /** At most 1 MiB per read call: the JDK copies each read through a direct buffer of that size, kept per thread. */
    private static final int READ_CHUNK = 1 << 20;

    private final RunContext run;

    SourceReader(RunContext run) {
        this.run = run;
    }

    /**
     * A file's checksums and, for a small file, its bytes in a pooled array until closed; for a
     * large one, the prefix hashes that a second read is checked against.
     */
    final class Hashed implements AutoCloseable {
        final Checksums sums;
        final Optional<PrefixHashes> prefixes;
        private final int length;
        private byte[] buffer;

        Hashed(Checksums sums, byte[] buffer, int length, Optional<PrefixHashes> prefixes) {
            this.sums = sums;
            this.buffer = buffer;
            this.length = length;
            this.prefixes = prefixes;
        }

        boolean inMemory() {
            return buffer != null;
        }

        /** The bytes read, vouched for by their checksums; valid until {@link #close()}. */
        ContentSource content() {
            byte[] bytes = buffer;
            return new ContentSource() {
                @Override
                public long size() {
                    return length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(bytes, 0, length);
                }

                @Override
                public Checksums knownChecksums() {
                    return sums;
                }
            };
        }

        @Override
        public void close() {
            if (buffer != null) {
                run.buffers.giveBack(buffer);
                buffer = null;
            }
        }
    }

    /** Reads and hashes a file; null when it changed while being read. */
    Hashed hash(SourceEntry file) throws IOException {
        run.filesRead.incrementAndGet();
        byte[] data = null;
        Checksums sums;
        Optional<PrefixHashes> prefixes = Optional.empty();
        if (file.size() <= run.options.smallFileLimit()) {
            int size = (int) file.size();
            data = run.buffers.take(size + 1);
            int n = 0;
            try (InputStream in = Files.newInputStream(file.path())) {
                // whole-photo reads would keep one direct buffer per photo size
                int got;
                while (n < size + 1 && (got = in.read(data, n, Math.min(READ_CHUNK, size + 1 - n))) > 0) {
                    n += got;
                }
            } catch (IOException | RuntimeException e) {
                run.buffers.giveBack(data);
                throw e;
            }
            run.count(n);
            if (n != size) {
                run.buffers.giveBack(data);
                return null;
            }
            MultiDigest digest = new MultiDigest(run.extraChecksums);
            digest.update(data, 0, n);
            sums = digest.finish();
        } else {
            MultiDigest digest = new MultiDigest(run.extraChecksums);
            PrefixHashes.Recorder recorder = new PrefixHashes.Recorder(digest);
            byte[] buffer = new byte[READ_CHUNK];
            try (InputStream in = Files.newInputStream(file.path())) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    recorder.update(buffer, 0, n);
                    run.count(n);
                }
            }
            if (digest.length() != file.size()) {
                return null;
            }
            sums = digest.finish();
            prefixes = Optional.of(recorder.finish(sums.get(ChecksumAlgorithm.SHA256).orElseThrow()));
        }
        Hashed hashed = new Hashed(sums, data, (int) Math.min(file.size(), Integer.MAX_VALUE), prefixes);
        SourceEntry after;
        try {
            after = restat(file);
        } catch (IOException | RuntimeException e) {
            hashed.close();
            throw e;
        }
        if (after.size() != file.size() || !after.mtime().equals(file.mtime())) {
            hashed.close();
            return null;
        }
        return hashed;
    }

    /** The file's size, mtime and file key as they are now. */
    SourceEntry restat(SourceEntry file) throws IOException {
        LinkOption[] opts = run.source.followLinks() ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        BasicFileAttributes a = Files.readAttributes(file.path(), BasicFileAttributes.class, opts);
        return new SourceEntry(file.name(), file.path(), false, a.size(), a.lastModifiedTime().toInstant(),
                a.fileKey() == null ? null : a.fileKey().toString());
    }

    /** {@link #restat}, or the entry as it was when the file cannot be read now. */
    SourceEntry restatQuietly(SourceEntry file) {
        try {
            return restat(file);
        } catch (IOException e) {
            return file;
        }
    }
}
