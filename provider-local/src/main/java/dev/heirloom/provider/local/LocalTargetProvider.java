package dev.heirloom.provider.local;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Serves {@code file:///absolute/folder}. The folder is created when missing, but only if its
 * parent exists, so that an unmounted disk is reported instead of silently filling the mount point.
 */
public final class LocalTargetProvider implements StorageTargetProvider {
    static final String FSYNC = "fsync";
    static final String MAX_CONCURRENCY = "maxConcurrency";
    static final String GROUP_COMMIT = "groupCommit";

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.optional(FSYNC, "flush every object and its folder to the disk before it counts as stored (true/false, default true)"),
                OptionSpec.optional(MAX_CONCURRENCY, "calls in flight at once (default 8)"),
                OptionSpec.optional(GROUP_COMMIT, "make new objects durable in batches, with one sync of the whole file "
                        + "system before they are named, where that sync is known to reach the disk (Linux: ext4, XFS, "
                        + "Btrfs, FAT, exFAT...); else each object is flushed on its own (true/false, default true)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        validate(config);
        return LocalTarget.open(Path.of(config.uri()), config.booleanOption(FSYNC, true),
                config.intOption(MAX_CONCURRENCY, 8, 1, 256),
                config.booleanOption(GROUP_COMMIT, true) ? FileSystemSync::open : null,
                GroupCommit.Limits.DEFAULT);
    }

    @Override
    public void validate(TargetConfig config) {
        if (config.uri().getPath() == null || !config.uri().getPath().startsWith("/")
                || (config.uri().getAuthority() != null && !config.uri().getAuthority().isEmpty())) {
            throw new InvalidConfigException("a local target needs an absolute file URI such as file:///media/usb/heirloom, not "
                    + config.uri());
        }
        config.booleanOption(FSYNC, true);
        config.intOption(MAX_CONCURRENCY, 8, 1, 256);
        config.booleanOption(GROUP_COMMIT, true);
    }

    /** The folder's real path: the deepest part that exists with its links resolved, then the rest as given. */
    @Override
    public java.util.Optional<java.net.URI> location(TargetConfig config) {
        Path path;
        try {
            path = Path.of(config.uri()).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return java.util.Optional.empty();
        }
        Path existing = path;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return java.util.Optional.of(path.toUri());
        }
        try {
            return java.util.Optional.of(existing.toRealPath().resolve(existing.relativize(path)).normalize().toUri());
        } catch (java.io.IOException e) {
            return java.util.Optional.of(path.toUri());
        }
    }
}
