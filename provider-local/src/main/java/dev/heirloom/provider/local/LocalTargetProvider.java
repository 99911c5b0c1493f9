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

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.optional(FSYNC, "flush every object and its folder to the disk before it counts as stored (true/false, default true)"),
                OptionSpec.optional(MAX_CONCURRENCY, "calls in flight at once (default 8)"));
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        if (config.uri().getPath() == null || !config.uri().getPath().startsWith("/")
                || (config.uri().getAuthority() != null && !config.uri().getAuthority().isEmpty())) {
            throw new InvalidConfigException("a local target needs an absolute file URI such as file:///media/usb/heirloom, not "
                    + config.uri());
        }
        boolean fsync = bool(config.option(FSYNC).orElse("true"));
        int concurrency = config.option(MAX_CONCURRENCY).map(LocalTargetProvider::positive).orElse(8);
        return LocalTarget.open(Path.of(config.uri()), fsync, concurrency);
    }

    private static boolean bool(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new InvalidConfigException("option " + FSYNC + " must be true or false, not '" + value + "'");
        };
    }

    private static int positive(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidConfigException("option " + MAX_CONCURRENCY + " must be a positive number, not '" + value + "'");
    }
}
