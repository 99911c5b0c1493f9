package dev.heirloom;

import dev.heirloom.repository.Repository;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.storage.ProviderRegistry;
import dev.heirloom.storage.RetryPolicy;
import dev.heirloom.storage.TargetDecorators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured targets, each opened on first use (wrapped in the standard decorators and
 * handed to its {@link Repository}) and kept open until {@link #close()}.
 */
final class OpenTargets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenTargets.class);

    private final List<TargetSpec> specs;
    private final ProviderRegistry registry;
    private final RetryPolicy retryPolicy;
    private final Map<String, Repository> open = new LinkedHashMap<>();

    /** @throws InvalidConfigException naming the target whose scheme or options its provider refuses */
    OpenTargets(List<TargetSpec> specs, ProviderRegistry registry, RetryPolicy retryPolicy) {
        this.specs = specs;
        this.registry = registry;
        this.retryPolicy = retryPolicy;
        for (TargetSpec t : specs) {
            try {
                registry.check(new TargetConfig(t.uri(), t.options()));
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException("target " + t.name() + ": " + e.getMessage());
            }
        }
    }

    synchronized Repository repository(String target) {
        Repository repo = open.get(target);
        if (repo != null) {
            return repo;
        }
        TargetSpec spec = specs.stream().filter(t -> t.name().equals(target)).findFirst()
                .orElseThrow(() -> new InvalidConfigException("no target named '" + target + "'; configured: "
                        + specs.stream().map(TargetSpec::name).toList()));
        StorageTarget raw = registry.open(new TargetConfig(spec.uri(), spec.options()));
        repo = new Repository(TargetDecorators.standard(raw, retryPolicy, spec.name()));
        open.put(target, repo);
        return repo;
    }

    @Override
    public synchronized void close() {
        for (Map.Entry<String, Repository> e : open.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.warn("closing target {} failed: {}", e.getKey(), ex.getMessage());
            }
        }
        open.clear();
    }
}
