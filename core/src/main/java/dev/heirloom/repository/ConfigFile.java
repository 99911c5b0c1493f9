package dev.heirloom.repository;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectNotFoundException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * A repository's {@code heirloom.json}: read and checked (a foreign or newer one is refused by
 * every reader), created by the first backup, and when missing beside snapshots or damaged, read
 * past by readers, refused by backup and written anew by repair.
 */
final class ConfigFile {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFile.class);

    /** A {@code heirloom.json} that cannot be read at all (as opposed to a foreign or newer one). */
    static final class DamagedConfig extends StorageException {
        DamagedConfig(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final StorageTarget target;
    private final SnapshotFiles snapshots;
    /** Whether it was found readable, absent or damaged once: it does not change under a reader. */
    private volatile boolean checked;

    ConfigFile(StorageTarget target, SnapshotFiles snapshots) {
        this.target = target;
        this.snapshots = snapshots;
    }

    /** For readers: refuses a foreign or newer one; a damaged one is read past with a warning. */
    void checkReadable() {
        if (!checked) {
            try {
                read();
            } catch (DamagedConfig e) {
                // it tells nothing now, as if missing: the snapshots, trees and objects still read (and
                // check their own versions); a backup refuses it, and repair writes a new one
                LOG.warn("{}; reading the repository without it", e.getMessage());
                checked = true;
            }
        }
    }

    /** The file, or empty when the target holds no repository yet. */
    Optional<RepositoryConfig> read() {
        if (target.stat(RepositoryLayout.CONFIG).isEmpty()) {
            checked = true;
            return Optional.empty();
        }
        RepositoryConfig config;
        try {
            config = CanonicalJson.read(Repository.readAll(target, RepositoryLayout.CONFIG), RepositoryConfig.class,
                    RepositoryLayout.CONFIG);
        } catch (StorageException e) {
            if (e.isTransient() || e instanceof ObjectNotFoundException) {
                throw e;
            }
            throw new DamagedConfig(RepositoryLayout.CONFIG + " is damaged (" + e.getMessage() + ")", e);
        }
        if (config == null || config.format() == null) {
            throw new DamagedConfig(RepositoryLayout.CONFIG + " is damaged (it holds no repository description)", null);
        }
        if (!RepositoryConfig.FORMAT.equals(config.format())) {
            throw new StorageException(RepositoryLayout.CONFIG + " is not a Heirloom repository (format '"
                    + config.format() + "')");
        }
        if (config.version() > RepositoryConfig.VERSION) {
            throw new StorageException("repository format version " + config.version()
                    + " is newer than this Heirloom understands (" + RepositoryConfig.VERSION + "); upgrade Heirloom");
        }
        checked = true; // readers need not read it again (a backup has just initialized it)
        return Optional.of(config);
    }

    /**
     * See {@link Repository#initialize}.
     *
     * @param beforeCreate runs before a new {@code heirloom.json} is written (to write key slots first),
     *                     and says what it records of its encryption (null: a plain repository)
     */
    RepositoryConfig initialize(Clock clock, java.util.function.Supplier<RepositoryConfig.EncryptionInfo> beforeCreate) {
        Optional<RepositoryConfig> existing;
        try {
            existing = read();
        } catch (DamagedConfig e) {
            throw new StorageException(e.getMessage() + ": the repository is damaged, and a backup does not build on "
                    + "it; 'heirloom repair' writes a new one after checking what the repository holds", e);
        }
        if (existing.isEmpty() && !snapshots.keys().isEmpty()) {
            throw new StorageException(RepositoryLayout.CONFIG + " is missing although the target holds snapshots: "
                    + "the repository is damaged, and a new one is not made over it; 'heirloom repair' writes a new one "
                    + "after checking what the repository holds");
        }
        if (existing.isPresent()) {
            return existing.get();
        }
        RepositoryConfig.EncryptionInfo encryption = beforeCreate.get();
        try {
            return write(clock, encryption, WriteOptions::createIfAbsent);
        } catch (ObjectExistsException raced) {
            return read().orElseThrow(() -> raced);
        }
    }

    /**
     * See {@link Repository#rewriteDamagedConfig}.
     *
     * @param encryption the open repository's encryption, or null when it is plain
     */
    boolean rewriteDamaged(Clock clock, RepositoryConfig.EncryptionInfo encryption) {
        try {
            if (read().isPresent() || snapshots.keys().isEmpty()) {
                return false;
            }
        } catch (DamagedConfig e) {
            LOG.warn("{}: writing a new one", e.getMessage());
        }
        write(clock, encryption, WriteOptions::replace);
        checked = true;
        return true;
    }

    private RepositoryConfig write(Clock clock, RepositoryConfig.EncryptionInfo encryption,
                                   java.util.function.Function<Checksums, WriteOptions> how) {
        RepositoryConfig fresh = new RepositoryConfig(RepositoryConfig.FORMAT,
                encryption == null ? RepositoryConfig.PLAIN_VERSION
                        : encryption.padding() == null ? RepositoryConfig.UNPADDED_VERSION : RepositoryConfig.VERSION,
                UUID.randomUUID().toString(), clock.instant(), "sha256", encryption);
        byte[] bytes = CanonicalJson.write(fresh);
        target.write(RepositoryLayout.CONFIG, ContentSource.ofBytes(bytes),
                how.apply(Checksums.sha256(MultiDigest.sha256Hex(bytes))));
        return fresh;
    }
}
