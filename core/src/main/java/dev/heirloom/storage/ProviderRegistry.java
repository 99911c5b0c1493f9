package dev.heirloom.storage;

import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The storage providers available to an application, by URI scheme. Built from
 * {@link ServiceLoader} or from explicit registrations (shaded jars, tests). Two providers for one
 * scheme are refused at once; a provider that fails to load is logged and reported, not fatal;
 * asking for an unknown scheme names the artifact that serves it. Immutable.
 */
public final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    /** Artifacts of the providers Heirloom ships, to name in an unknown-scheme error. */
    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "file", "dev.heirloom:heirloom-provider-local",
            "sftp", "dev.heirloom:heirloom-provider-sftp",
            "azure", "dev.heirloom:heirloom-provider-azure",
            "gs", "dev.heirloom:heirloom-provider-gcs",
            "s3", "dev.heirloom:heirloom-provider-s3",
            "vfs+ftp", "dev.heirloom:heirloom-provider-vfs",
            "vfs+ftps", "dev.heirloom:heirloom-provider-vfs",
            "vfs+webdav4", "dev.heirloom:heirloom-provider-vfs",
            "vfs+webdav4s", "dev.heirloom:heirloom-provider-vfs");

    private final Map<String, StorageTargetProvider> providers;
    private final List<String> loadProblems;

    private ProviderRegistry(Map<String, StorageTargetProvider> providers, List<String> loadProblems) {
        this.providers = Collections.unmodifiableMap(new TreeMap<>(providers));
        this.loadProblems = List.copyOf(loadProblems);
    }

    /** Providers found by {@link ServiceLoader} in the context class loader. */
    public static ProviderRegistry load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : ProviderRegistry.class.getClassLoader());
    }

    /** Providers found by {@link ServiceLoader} in the given class loader. */
    public static ProviderRegistry load(ClassLoader loader) {
        Map<String, StorageTargetProvider> found = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Iterator<StorageTargetProvider> it = ServiceLoader.load(StorageTargetProvider.class, loader).iterator();
        while (true) {
            StorageTargetProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warn("A storage provider failed to load and is skipped: {}", e.getMessage());
                problems.add(e.getMessage());
                continue;
            }
            add(found, provider);
        }
        return new ProviderRegistry(found, problems);
    }

    /** Exactly the given providers, without {@link ServiceLoader}. */
    public static ProviderRegistry of(StorageTargetProvider... providers) {
        Map<String, StorageTargetProvider> map = new TreeMap<>();
        for (StorageTargetProvider p : providers) {
            add(map, p);
        }
        return new ProviderRegistry(map, List.of());
    }

    /** A registry with one more provider; its scheme must be new. */
    public ProviderRegistry with(StorageTargetProvider provider) {
        Map<String, StorageTargetProvider> map = new TreeMap<>(providers);
        add(map, provider);
        return new ProviderRegistry(map, loadProblems);
    }

    private static void add(Map<String, StorageTargetProvider> map, StorageTargetProvider provider) {
        String scheme = provider.scheme().toLowerCase(Locale.ROOT);
        StorageTargetProvider previous = map.putIfAbsent(scheme, provider);
        if (previous != null) {
            throw new InvalidConfigException("two storage providers for scheme '" + scheme + "': "
                    + previous.getClass().getName() + " and " + provider.getClass().getName()
                    + "; remove one of them from the classpath");
        }
    }

    /** The schemes served. */
    public Set<String> schemes() {
        return providers.keySet();
    }

    /** Messages of providers that failed to load. */
    public List<String> loadProblems() {
        return loadProblems;
    }

    /**
     * The provider for a scheme.
     *
     * @throws InvalidConfigException naming the artifact to add when none serves it
     */
    public StorageTargetProvider provider(String scheme) {
        String key = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        StorageTargetProvider provider = providers.get(key);
        if (provider != null) {
            return provider;
        }
        String artifact = KNOWN_ARTIFACTS.get(key);
        String hint = artifact != null ? "add " + artifact + " to the classpath"
                : "no known Heirloom artifact serves it; add a third-party provider jar";
        throw new InvalidConfigException("no storage provider for scheme '" + key + "': " + hint
                + " (available: " + String.join(", ", providers.keySet()) + ")");
    }

    /** Opens a target after {@link #check(TargetConfig) checking} its configuration. */
    public StorageTarget open(TargetConfig config) {
        return check(config).open(config);
    }

    /**
     * Checks a target configuration without connecting: a provider serves the scheme, every option
     * is one the provider declares, every required option is given.
     *
     * @return the provider that will open it
     * @throws InvalidConfigException naming the problem (never an option's value)
     */
    public StorageTargetProvider check(TargetConfig config) {
        StorageTargetProvider provider = provider(config.uri().getScheme());
        Map<String, OptionSpec> specs = provider.options().stream()
                .collect(Collectors.toMap(OptionSpec::name, s -> s));
        for (String name : config.options().keySet()) {
            if (!specs.containsKey(name)) {
                throw new InvalidConfigException("unknown option '" + name + "' for " + provider.scheme()
                        + " targets; known: " + String.join(", ", new TreeMap<>(specs).keySet()));
            }
        }
        for (OptionSpec spec : specs.values()) {
            if (spec.required() && !config.options().containsKey(spec.name())) {
                throw new InvalidConfigException("option '" + spec.name() + "' is required for "
                        + provider.scheme() + " targets: " + spec.description());
            }
        }
        provider.validate(config);
        return provider;
    }
}
