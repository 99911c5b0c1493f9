package dev.heirloom.spi;

import java.io.InputStream;
import java.util.Optional;

/**
 * A flat object store holding one Heirloom repository: keys (see {@link ObjectKeys}) map to
 * immutable byte contents. Implementations are thread-safe; core keeps at most
 * {@link Capabilities#maxConcurrency()} calls in flight. Every method throws only
 * {@link StorageException}s, classified: {@link TargetUnavailableException} for anything that may
 * pass on a later try, a specific subclass where one applies, plain {@link StorageException}
 * otherwise. An invalid key is an {@link IllegalArgumentException}. Core retries transient errors;
 * an implementation whose client retries on its own declares {@link Capabilities#retriesInternally()}
 * and core then adds no retries of its own.
 */
public interface StorageTarget extends AutoCloseable {

    /** Facts about this target; constant for its lifetime. */
    Capabilities capabilities();

    /**
     * Looks an object up without reading its content.
     *
     * @return its size and the checksums the backend keeps, or empty when no object has the key
     *         (never {@link ObjectNotFoundException})
     */
    Optional<ObjectInfo> stat(String key);

    /**
     * Reads part or all of an object.
     *
     * @param offset first byte to return, ≥ 0; at or past the end yields an empty stream
     * @param length bytes to return at most, or -1 for all up to the end
     * @return a stream the caller closes; I/O errors while reading it surface as
     *         {@link java.io.IOException}s from the stream
     * @throws ObjectNotFoundException when the object does not exist
     */
    InputStream read(String key, long offset, long length);

    /**
     * Stores an object so that it becomes visible under {@code key} only when complete: a reader
     * sees the old content, no object, or the whole new content, never a part. The provider
     * checks that exactly {@link ContentSource#size()} bytes were read and verifies the
     * {@linkplain WriteOptions#expected() expected checksums} before publishing; on any failure
     * nothing new is visible under {@code key} and temporary data is removed where possible.
     *
     * @return the stored object: its key and size, and what else {@link #stat} would say that the
     *         provider knows without another request (a provider need not ask the server again)
     * @throws ObjectExistsException      when {@link WriteOptions#ifAbsent()} and the key exists
     * @throws ChecksumMismatchException  when the content is not what was expected
     * @throws InsufficientStorageException when the target is full
     * @throws ObjectLockedException      when a replacing write meets an object locked until a later time
     * @throws UnsupportedOperationException when the options ask for a lock the target cannot set
     */
    ObjectInfo write(String key, ContentSource content, WriteOptions options);

    /**
     * Stores content whose key is not known yet, under a temporary name, for {@link StagedObject#publish}
     * once the caller knows it: the caller hashes the bytes as the provider reads them, so a file is
     * read once instead of once to name it and once to copy it. Only when
     * {@link Capabilities#staging()}. The provider opens the content once and reads it to the end
     * (a second {@link ContentSource#open()} may fail: a provider that must start over fails, and
     * the caller then writes the usual way), checks that exactly {@link ContentSource#size()} bytes
     * came, and leaves nothing visible to {@link #list}, {@link #stat} or {@link #read} until
     * published. Staged bytes never published are removed by {@link StagedObject#close()}, or,
     * after a crash, by the provider's own clean-up of its temporary names.
     *
     * @param stageName names this content the same way each time it is staged (for instance a hash
     *                  of the source file's path, size and modification time), 1 to 64 characters
     *                  of {@code [0-9a-z-]}; a provider that can resume an interrupted upload uses
     *                  it to find the bytes it already has, others may ignore it
     * @throws UnsupportedOperationException when the target does not stage
     */
    default StagedObject stage(String stageName, ContentSource content) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not stage content");
    }

    /**
     * Has the server compute the SHA-256 of a stored object where it is stored, without sending
     * the content: for backends that keep no checksums but can run a hash next to the data (a
     * shell command over SSH). Only when {@link Capabilities#serverHashing()}; it reads the whole
     * object on the server, so core calls it only to verify.
     *
     * @return at least {@link ChecksumAlgorithm#SHA256} of the bytes as stored now
     * @throws ObjectNotFoundException       when the object does not exist
     * @throws UnsupportedOperationException when the target cannot
     */
    default Checksums hashOnServer(String key) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot hash on the server");
    }

    /**
     * Makes every write that has returned durable and visible, for backends that batch part of that
     * work (a local file system flushes folder entries here rather than once per object, and
     * publishes {@linkplain WriteOptions#withGroupCommit() group-committed} objects). Core calls it
     * before writing a snapshot and after, so a snapshot never survives a power cut that the
     * objects it names did not. Idempotent; the default does nothing (writes are durable when
     * they return).
     *
     * @throws StorageException when a write that returned could not be made durable; the target
     *         then fails every later write and flush, so no snapshot can name what it lost
     */
    default void flush() {
    }

    /**
     * Removes every upload that was started and never finished or published (what a killed backup
     * left: staged content, partial or multipart uploads, temporary names), however recent. Core
     * calls it only while it holds the repository's exclusive lock (prune), when no backup of the
     * repository can be writing; nothing that {@link #list} shows may be touched. Best effort. The
     * default does nothing, for a target that keeps no such uploads or removes them itself.
     *
     * @return the bytes freed, as far as the target can tell (0 when it cannot)
     */
    default long removeInterruptedUploads() {
        return 0;
    }

    /**
     * Moves an object's lock (see {@link Capabilities#objectLock()}) to {@code until}, or locks an
     * object that has none; a lock already reaching past {@code until} stays as it is, so this never
     * shortens one. Only when {@link Capabilities#objectLock()}.
     *
     * @return the object, with the retention time it has now
     * @throws ObjectNotFoundException       when the object does not exist
     * @throws UnsupportedOperationException when the target cannot lock objects
     */
    default ObjectInfo extendRetention(String key, java.time.Instant until) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot lock objects");
    }

    /**
     * Removes an object. Idempotent: deleting a missing key succeeds.
     *
     * @throws ObjectLockedException when the object is locked until a later time
     */
    void delete(String key);

    /**
     * Lists objects whose key starts with {@code prefix} (plain string prefix; empty lists all).
     * Pages are at most {@code pageSize} long; every object present for the whole listing appears
     * exactly once across the pages; order is unspecified.
     *
     * @param pageToken empty for the first page, else the previous page's token
     */
    ListPage list(String prefix, Optional<String> pageToken, int pageSize);

    /**
     * Releases connections and threads. Idempotent. Group-committed writes that no flush published
     * may be published or dropped (nothing names them yet).
     */
    @Override
    void close();
}
