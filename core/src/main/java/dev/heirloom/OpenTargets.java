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

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured targets, each opened on first use (wrapped in the standard decorators and
 * handed to its {@link Repository}) and kept open until {@link #close()}.
 */
final class OpenTargets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenTargets.class);

    private final List<TargetSpec> specs;
    private final ProviderRegistry registry;
    private final RetryPolicy retryPolicy;
    private final dev.heirloom.storage.BandwidthLimits bandwidth;
    private final Map<String, Repository> open = new LinkedHashMap<>();
    private final List<String> sameDeviceNotes;
    private final Map<String, dev.heirloom.repository.Encryption> encryption;
    private final Map<String, dev.heirloom.repository.Immutability> immutability;
    private final java.time.Clock clock;

    /**
     * @param sourceRoot the source folder, which no target may lie in
     * @throws InvalidConfigException naming the target whose scheme or options its provider
     *                                refuses, two targets that are one place, or a target inside
     *                                the source folder
     */
    OpenTargets(List<TargetSpec> specs, ProviderRegistry registry, RetryPolicy retryPolicy, Path sourceRoot,
                dev.heirloom.storage.BandwidthLimits bandwidth,
                Map<String, dev.heirloom.repository.Encryption> encryption,
                Map<String, dev.heirloom.repository.Immutability> immutability, java.time.Clock clock) {
        this.bandwidth = bandwidth;
        this.encryption = encryption;
        this.immutability = immutability;
        this.clock = clock;
        this.specs = specs;
        this.registry = registry;
        this.retryPolicy = retryPolicy;
        Map<String, String> byPlace = new LinkedHashMap<>();
        Path source = realPath(sourceRoot);
        Map<String, Path> localFolders = new LinkedHashMap<>();
        localFolders.put("the source", source);
        for (TargetSpec t : specs) {
            TargetConfig config = new TargetConfig(t.uri(), t.options());
            Optional<URI> location;
            try {
                location = registry.check(config).location(config);
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException("target " + t.name() + ": " + e.getMessage());
            }
            // the same URI with the same options is one place whatever the provider says
            String place = location.map(URI::toString).orElse(t.uri() + " " + new TreeMap<>(t.options()));
            String other = byPlace.putIfAbsent(place, t.name());
            if (other != null) {
                throw new InvalidConfigException("targets " + other + " and " + t.name() + " are the same place ("
                        + location.map(URI::toString).orElse(t.uri().toString())
                        + "): one copy, not two; give each copy a place of its own");
            }
            if (location.isPresent() && SameDevice.localFolder(location.get()) != null) {
                Path folder = SameDevice.localFolder(location.get());
                localFolders.put(t.name(), folder);
                if (folder.startsWith(source)) {
                    throw new InvalidConfigException("target " + t.name() + " (" + folder + ") is inside the source folder "
                            + source + ": the next backup would take in the repository's own files");
                }
            }
        }
        this.sameDeviceNotes = SameDevice.notes(localFolders);
    }

    /** How a target's repository is encrypted, as configured. */
    dev.heirloom.repository.Encryption encryption(String target) {
        return encryption.getOrDefault(target, dev.heirloom.repository.Encryption.unspecified());
    }

    /** How long a target's repository files are locked, as configured. */
    dev.heirloom.repository.Immutability immutability(String target) {
        return immutability.getOrDefault(target, dev.heirloom.repository.Immutability.none());
    }

    /**
     * Whether the target's copies can count as locked: it has {@code immutableDays} and, when it has
     * been opened, its store can lock objects (before it is opened, the configuration is all there is).
     */
    synchronized boolean canLock(String target) {
        Repository repo = open.get(target);
        return immutability(target).wanted() && (repo == null || repo.locks().active());
    }

    /**
     * What plans and status say about the configuration itself: places that share a file system
     * (see {@link SameDevice}), offsite targets kept in the clear without the user having said so,
     * and targets asked to lock whose store cannot.
     */
    synchronized List<String> notes() {
        List<String> notes = new java.util.ArrayList<>(sameDeviceNotes);
        for (TargetSpec t : specs) {
            if (immutability(t.name()).wanted() && !canLock(t.name())) {
                notes.add("target " + t.name() + " has immutableDays, but its store cannot lock objects (a GCS bucket needs "
                        + "object retention enabled; other providers do not lock yet): its files are not locked, and its "
                        + "copies do not count as locked");
            }
        }
        for (TargetSpec t : specs) {
            if (t.site() == dev.heirloom.policy.Site.OFFSITE && encryption(t.name()).isUnspecified()) {
                notes.add("target " + t.name() + " is offsite and not encrypted: whoever can read its store sees every "
                        + "photo and its name; encrypt a new repository there (encryption: { passphrase: \"${env:NAME}\" }), "
                        + "or write encryption: none to keep it plain on purpose");
            }
        }
        return List.copyOf(notes);
    }

    /** The source folder's real path (links resolved), or its absolute form when it does not exist. */
    private static Path realPath(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
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
        repo = new Repository(TargetDecorators.standard(raw, retryPolicy, spec.name(), bandwidth), "target " + spec.name(),
                encryption(spec.name()), immutability(spec.name()), clock);
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
