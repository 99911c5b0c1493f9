package dev.heirloom.restore;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to restore and where.
 *
 * @param destination folder to restore into (created if missing); nothing is written outside it
 * @param pathGlob    restore only files whose snapshot path matches this glob; empty for all
 * @param overwrite   replace files that already exist (default: leave them and report them)
 * @param threads     files restored at once
 */
public record RestoreOptions(Path destination, Optional<String> pathGlob, boolean overwrite, int threads) {
    /** Requires a destination and a glob option; at least one thread. */
    public RestoreOptions {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(pathGlob, "pathGlob");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** Everything, into the folder, never overwriting, 4 files at once. */
    public static RestoreOptions into(Path destination) {
        return new RestoreOptions(destination, Optional.empty(), false, 4);
    }

    /** These options, restoring only files whose snapshot path matches {@code glob} (null: all). */
    public RestoreOptions withGlob(String glob) {
        return new RestoreOptions(destination, Optional.ofNullable(glob), overwrite, threads);
    }

    /** These options, replacing files that already exist when {@code value}. */
    public RestoreOptions withOverwrite(boolean value) {
        return new RestoreOptions(destination, pathGlob, value, threads);
    }
}
