package dev.heirloom.tck.memory;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code mem://name}: every target opened with the same name in one JVM shares one
 * {@link InMemoryTarget}, so a repository can be reopened.
 */
public final class InMemoryTargetProvider implements StorageTargetProvider {
    private static final Map<String, InMemoryTarget> STORES = new ConcurrentHashMap<>();

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StorageTarget open(TargetConfig config) {
        return store(name(config));
    }

    /** The shared store of a name, created empty on first use. */
    public static InMemoryTarget store(String name) {
        return STORES.computeIfAbsent(name, n -> new InMemoryTarget());
    }

    /** Forgets a named store. */
    public static void drop(String name) {
        STORES.remove(name);
    }

    private static String name(TargetConfig config) {
        String host = config.uri().getHost();
        String name = host != null ? host : config.uri().getSchemeSpecificPart().replaceFirst("^/+", "");
        if (name == null || name.isBlank()) {
            throw new InvalidConfigException("a memory target needs a name: mem://NAME");
        }
        return name;
    }
}
