package dev.heirloom.repository;

import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;

import java.time.Clock;
import java.util.Optional;

/**
 * How one repository is encrypted, as its {@code heirloom.json} and the configured secret say: the
 * {@link RepositoryCipher} its files go through (found at first use and remembered), its key slots,
 * and, when {@link #initialize} creates the repository, its keys. The part of {@link Repository}
 * that knows about encryption.
 */
final class RepositoryEncryption {
    private final StorageTarget target;
    private final String name;
    private final Encryption encryption;
    private final ConfigFile configFile;
    /** How files are stored, once known from {@code heirloom.json} (and the secret for an encrypted one). */
    private volatile RepositoryCipher cipher;
    private volatile KeySlots keySlots;

    RepositoryEncryption(StorageTarget target, String name, Encryption encryption, ConfigFile configFile) {
        this.target = target;
        this.name = name;
        this.encryption = encryption;
        this.configFile = configFile;
    }

    /** The configured choice. */
    Encryption configured() {
        return encryption;
    }

    /**
     * How the repository's files are stored. Read from {@code heirloom.json} at the first call and
     * remembered; plain while the target holds no repository, until {@link #initialize} creates one.
     *
     * @throws dev.heirloom.spi.InvalidConfigException when the repository is encrypted and no secret, or
     *                                                 a wrong one ({@link WrongPassphraseException}), is
     *                                                 given, or a secret is given for a plain one
     */
    RepositoryCipher cipher() {
        RepositoryCipher known = cipher;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (cipher != null) {
                return cipher;
            }
            Optional<RepositoryConfig> config;
            try {
                config = configFile.read();
            } catch (ConfigFile.DamagedConfig e) {
                config = null;
            }
            // an absent one is created by initialize, which sets the cipher it was created with
            cipher = resolve(config);
            return cipher;
        }
    }

    /** @param config null when {@code heirloom.json} is damaged */
    private RepositoryCipher resolve(Optional<RepositoryConfig> config) {
        if (config == null || config.isEmpty()) {
            // damaged or lost: nothing says whether it is encrypted, but its key slots do (a new repository has none)
            boolean slots = encryption.encrypts() && !target.list(RepositoryLayout.KEYS, Optional.empty(), 1).objects().isEmpty();
            return slots ? unlock(null) : RepositoryCipher.PLAIN;
        }
        RepositoryConfig c = config.get();
        if (!c.encrypted()) {
            if (encryption.encrypts()) {
                throw new InvalidConfigException(name + ": the repository there is not encrypted, "
                        + "and encryption is chosen when a repository is created: back up to a new, empty place to "
                        + "encrypt, or take the encryption setting off this target");
            }
            return RepositoryCipher.PLAIN;
        }
        if (!EncryptedCipher.understands(c.encryption())) {
            throw new StorageException(name + ": the repository is encrypted with " + c.encryption().content() + "/"
                    + c.encryption().names() + "/" + c.encryption().keys() + ", which this Heirloom cannot read");
        }
        if (!encryption.encrypts()) {
            throw new InvalidConfigException(name + ": the repository is encrypted; give its "
                    + "passphrase or key file (encryption: { passphrase: \"${env:NAME}\" } in the target's configuration)");
        }
        RepositoryCipher opened = unlock(c.encryption().check());
        boolean padded = c.encryption().padding() != null;
        if (keySlots.cipher().padded() != padded) {
            throw new StorageException(name + ": heirloom.json says the files are " + (padded ? "" : "not ")
                    + "padded and the key slots say otherwise: heirloom.json was altered or damaged");
        }
        return opened;
    }

    private RepositoryCipher unlock(String keyCheck) {
        KeySlots slots = encryption.withSecret(secret -> KeySlots.open(target, Clock.systemUTC(), secret, name, keyCheck));
        keySlots = slots;
        return slots.cipher();
    }

    /** See {@link Repository#keySlots()}. */
    KeySlots keySlots() {
        if (!cipher().encrypted() || keySlots == null) {
            throw new InvalidConfigException(name + ": the repository is not encrypted; it has no keys");
        }
        return keySlots;
    }

    /** What heirloom.json says of this repository's encryption (opening it): null for a plain one. */
    RepositoryConfig.EncryptionInfo info() {
        return cipher().encrypted() ? keySlots.cipher().info() : null;
    }

    /** What the repository offers on a target with these capabilities; no key is needed to know it. */
    Capabilities capabilities(Capabilities target) {
        return encryption.encrypts() || cipher().encrypted() ? EncryptedCipher.restrict(target) : target;
    }

    /** See {@link Repository#initialize}: creates the keys of a new encrypted repository before its heirloom.json. */
    RepositoryConfig initialize(Clock clock) {
        KeySlots[] made = new KeySlots[1];
        RepositoryConfig config = configFile.initialize(clock, () -> {
            if (!encryption.encrypts()) {
                return null;
            }
            made[0] = encryption.withSecret(secret -> KeySlots.create(target, clock, secret));
            return made[0].cipher().info();
        });
        synchronized (this) {
            KeySlots mine = made[0];
            if (mine != null && config.encrypted() && mine.cipher().keyCheck().equals(config.encryption().check())) {
                keySlots = mine;
                cipher = mine.cipher();
            } else {
                if (mine != null) {
                    mine.discard(); // another process created the repository first: its keys are the ones
                }
                if (cipher == null || !cipher.encrypted()) {
                    // read as absent (plain) before, or not read: resolve against the file as it now is, which
                    // also refuses one whose encryption is not the configured one
                    cipher = resolve(Optional.of(config));
                }
            }
        }
        return config;
    }
}
