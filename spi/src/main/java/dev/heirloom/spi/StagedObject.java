package dev.heirloom.spi;

import java.util.function.BiFunction;

/**
 * Content a target holds under a temporary name, not yet an object: nothing lists, stats or reads
 * it until {@link #publish} names it. Made by {@link StorageTarget#stage}. Not thread-safe; the
 * caller publishes at most once and always closes.
 */
public interface StagedObject extends AutoCloseable {

    /** The number of bytes staged (always the content's declared size). */
    long size();

    /**
     * Makes the staged bytes visible under {@code key}, atomically, as {@link StorageTarget#write}
     * would with the same options. The provider checks every expected checksum its backend computed
     * for the staged bytes; it does not read them again, so the caller must have computed the
     * others from the very bytes it handed to {@code stage}. On any failure nothing new is visible
     * under {@code key} and the staged bytes stay until {@link #close()}.
     *
     * @return the stored object as {@link StorageTarget#stat} would describe it
     * @throws ObjectExistsException     when {@link WriteOptions#ifAbsent()} and the key exists
     * @throws ChecksumMismatchException when a checksum the backend computed contradicts the expected one
     * @throws IllegalStateException     when already published
     */
    ObjectInfo publish(String key, WriteOptions options);

    /** Removes the staged bytes unless they were published. Idempotent; never throws. */
    @Override
    void close();

    /**
     * A staged object that keeps this interface's rules for a provider: {@code publish} runs at most
     * once successfully (again: {@link IllegalStateException}), {@code discard} runs on close only
     * when nothing was published.
     *
     * @param publish names the staged bytes as {@link #publish} describes, leaving them staged on failure
     * @param discard removes the staged bytes; must not throw
     */
    static StagedObject of(long size, BiFunction<String, WriteOptions, ObjectInfo> publish, Runnable discard) {
        return new StagedObject() {
            private boolean published;
            private boolean closed;

            @Override
            public long size() {
                return size;
            }

            @Override
            public ObjectInfo publish(String key, WriteOptions options) {
                if (published) {
                    throw new IllegalStateException("already published");
                }
                ObjectInfo info = publish.apply(key, options);
                published = true;
                return info;
            }

            @Override
            public void close() {
                if (!published && !closed) {
                    discard.run();
                }
                closed = true;
            }
        };
    }
}
