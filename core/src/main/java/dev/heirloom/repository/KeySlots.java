package dev.heirloom.repository;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.MultiDigest;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.WriteOptions;
import org.bouncycastle.crypto.generators.SCrypt;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The key slots of an encrypted repository ({@code keys/<id>.json}, docs/format.md): each holds the
 * repository's master key wrapped (AES-256-GCM) by a key derived from one passphrase with scrypt,
 * so several passphrases open the same repository, and a passphrase is added, changed or removed
 * without re-encrypting anything. Slots are plain JSON: they hold nothing readable without a
 * passphrase.
 */
public final class KeySlots {
    static final String KDF = "scrypt";
    static final String WRAP = "AES-256-GCM";
    /** scrypt cost: 2^16 × 8 × 128 bytes = 64 MiB of memory per try, about a quarter second here. */
    static final int SCRYPT_N = 1 << 16;
    static final int SCRYPT_R = 8;
    static final int SCRYPT_P = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One slot as stored; the format is docs/format.md's.
     *
     * @param format  always {@code heirloom-key-slot}
     * @param id      16 hex digits, also the file's name
     * @param created when it was added
     * @param kdf     how the wrapping key is derived from the passphrase
     * @param wrap    the master key, encrypted with the wrapping key
     */
    @JsonPropertyOrder({"format", "id", "created", "kdf", "wrap"})
    record Slot(String format, String id, Instant created, Kdf kdf, Wrap wrap) {
    }

    /** scrypt's parameters and salt (base64). */
    @JsonPropertyOrder({"algorithm", "n", "r", "p", "salt"})
    record Kdf(String algorithm, int n, int r, int p, String salt) {
    }

    /** AES-256-GCM of the master key, with the slot's key ({@code keys/<id>.json}) as associated data. */
    @JsonPropertyOrder({"algorithm", "nonce", "ciphertext"})
    record Wrap(String algorithm, String nonce, String ciphertext) {
    }

    /**
     * What a user sees of a slot: never a key.
     *
     * @param id      the slot's id
     * @param created when it was added
     * @param opened  whether the secret this repository was opened with opens it
     */
    public record Info(String id, Instant created, boolean opened) {
    }

    /**
     * A slot wraps the master key and, in a repository of format version 3, one more byte of flags:
     * this bit says the repository's files are padded. Kept with the key rather than only in
     * heirloom.json, so that a repository whose heirloom.json is lost still opens as it was written.
     */
    private static final byte PADDED = 1;

    private final StorageTarget target;
    private final Clock clock;
    private final byte[] masterKey;
    private final String openedWith;
    private final EncryptedCipher cipher;

    private KeySlots(StorageTarget target, Clock clock, byte[] masterKey, String openedWith) {
        this.target = target;
        this.clock = clock;
        this.masterKey = masterKey;
        this.openedWith = openedWith;
        this.cipher = new EncryptedCipher(Arrays.copyOf(masterKey, EncryptedCipher.MASTER_KEY_BYTES),
                masterKey.length > EncryptedCipher.MASTER_KEY_BYTES && (masterKey[EncryptedCipher.MASTER_KEY_BYTES] & PADDED) != 0);
    }

    /** Makes a new master key and its first slot for the secret; returns the slots, opened. */
    static KeySlots create(StorageTarget target, Clock clock, byte[] secret) {
        byte[] master = new byte[EncryptedCipher.MASTER_KEY_BYTES + 1];
        RANDOM.nextBytes(master);
        master[EncryptedCipher.MASTER_KEY_BYTES] = PADDED; // every new repository pads its files (format version 3)
        return new KeySlots(target, clock, master, write(target, clock, master, secret));
    }

    /**
     * Opens the repository's slots with a secret.
     *
     * @param keyCheck the master key's check recorded in {@code heirloom.json}, or null when it cannot
     *                 be read (then the first slot the secret opens is taken)
     * @throws WrongPassphraseException when no slot opens with it
     * @throws StorageException         when the repository holds no readable slot
     */
    static KeySlots open(StorageTarget target, Clock clock, byte[] secret, String targetName, String keyCheck) {
        List<Slot> slots = read(target);
        if (slots.isEmpty()) {
            throw new StorageException(targetName + ": the repository is encrypted but holds no key slot (keys/): "
                    + "it cannot be opened");
        }
        for (Slot slot : slots) {
            Optional<byte[]> master = unwrap(slot, secret);
            if (master.isPresent()) {
                KeySlots opened = new KeySlots(target, clock, master.get(), slot.id());
                if (keyCheck == null || opened.cipher.keyCheck().equals(keyCheck)) {
                    return opened;
                }
            }
        }
        throw new WrongPassphraseException(targetName + ": the passphrase (or key file) does not open this "
                + "encrypted repository (tried " + slots.size() + " key slot(s)); nothing was read or written");
    }

    /** Removes a slot this process wrote for a repository that another process created first. */
    void discard() {
        if (openedWith != null) {
            try {
                target.delete(key(openedWith));
            } catch (dev.heirloom.spi.ObjectLockedException e) {
                // it wraps a key no heirloom.json names, so it opens nothing; it goes when its lock runs out
                org.slf4j.LoggerFactory.getLogger(KeySlots.class).warn("an unused key slot stays locked: {}", e.getMessage());
            }
        }
    }

    /** The cipher of the opened repository. */
    EncryptedCipher cipher() {
        return cipher;
    }

    /** Every slot, oldest first. */
    public List<Info> list() {
        return read(target).stream()
                .sorted(java.util.Comparator.comparing(Slot::created).thenComparing(Slot::id))
                .map(s -> new Info(s.id(), s.created(), s.id().equals(openedWith)))
                .toList();
    }

    /**
     * Adds a slot that opens the repository with another secret; nothing else is written.
     *
     * @return the new slot's id
     * @throws IllegalArgumentException when the encryption carries no secret
     */
    public String add(Encryption secret) {
        if (!secret.encrypts()) {
            throw new IllegalArgumentException("a key slot needs a passphrase or a key file");
        }
        return secret.withSecret(bytes -> write(target, clock, masterKey, bytes));
    }

    /**
     * Removes a slot. The last one is never removed (the repository could not be opened again).
     *
     * @throws InvalidConfigException when no slot has that id, or it is the last one
     */
    public void remove(String id) {
        List<Slot> slots = read(target);
        if (slots.stream().noneMatch(s -> s.id().equals(id))) {
            throw new InvalidConfigException("no key slot '" + id + "'; the slots are "
                    + slots.stream().map(Slot::id).toList());
        }
        if (slots.size() == 1) {
            throw new InvalidConfigException("key slot " + id + " is the last one: without it nothing opens the "
                    + "repository; add another first");
        }
        try {
            target.delete(key(id));
        } catch (dev.heirloom.spi.ObjectLockedException e) {
            throw new dev.heirloom.spi.ObjectLockedException("key slot " + id + " cannot be removed: the target keeps it "
                    + "locked" + e.until().map(t -> " until " + t).orElse("") + " (immutableDays), and each lock extension "
                    + "keeps the slots locked, as it keeps them from an attacker; its passphrase still opens the repository", e);
        }
    }

    /** The id of the slot the repository was opened with. */
    public String openedWith() {
        return openedWith;
    }

    /** Writes a slot wrapping {@code masterKey} for {@code secret}; returns its id. */
    private static String write(StorageTarget target, Clock clock, byte[] masterKey, byte[] secret) {
        String id = HexFormat.of().formatHex(randomBytes(8));
        byte[] salt = randomBytes(32);
        byte[] nonce = randomBytes(12);
        byte[] wrapping = SCrypt.generate(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32);
        byte[] sealed;
        try {
            sealed = wrapCipher(Cipher.ENCRYPT_MODE, wrapping, nonce, id).doFinal(masterKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot run AES-256-GCM: " + e.getMessage(), e);
        } finally {
            Arrays.fill(wrapping, (byte) 0);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        Slot slot = new Slot("heirloom-key-slot", id, clock.instant(),
                new Kdf(KDF, SCRYPT_N, SCRYPT_R, SCRYPT_P, b64.encodeToString(salt)),
                new Wrap(WRAP, b64.encodeToString(nonce), b64.encodeToString(sealed)));
        byte[] bytes = CanonicalJson.write(slot);
        target.write(key(id), ContentSource.ofBytes(bytes),
                WriteOptions.createIfAbsent(Checksums.sha256(MultiDigest.sha256Hex(bytes))));
        return id;
    }

    private static Optional<byte[]> unwrap(Slot slot, byte[] secret) {
        if (slot.kdf() == null || slot.wrap() == null || !KDF.equals(slot.kdf().algorithm())
                || !WRAP.equals(slot.wrap().algorithm())) {
            return Optional.empty();
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] wrapping = null;
        try {
            Kdf kdf = slot.kdf();
            if (kdf.n() < 2 || kdf.n() > (1 << 22) || Integer.bitCount(kdf.n()) != 1 || kdf.r() < 1 || kdf.r() > 32
                    || kdf.p() < 1 || kdf.p() > 16) {
                return Optional.empty();
            }
            wrapping = SCrypt.generate(secret, b64.decode(kdf.salt()), kdf.n(), kdf.r(), kdf.p(), 32);
            byte[] master = wrapCipher(Cipher.DECRYPT_MODE, wrapping, b64.decode(slot.wrap().nonce()), slot.id())
                    .doFinal(b64.decode(slot.wrap().ciphertext()));
            boolean known = master.length == EncryptedCipher.MASTER_KEY_BYTES
                    || master.length == EncryptedCipher.MASTER_KEY_BYTES + 1 && (master[EncryptedCipher.MASTER_KEY_BYTES] & ~PADDED) == 0;
            return known ? Optional.of(master) : Optional.empty();
        } catch (AEADBadTagException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot run AES-256-GCM: " + e.getMessage(), e);
        } finally {
            if (wrapping != null) {
                Arrays.fill(wrapping, (byte) 0);
            }
        }
    }

    /** AES-256-GCM with the wrapping key, the slot's nonce and, as associated data, the slot's key. */
    private static Cipher wrapCipher(int mode, byte[] wrapping, byte[] nonce, String id) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, new SecretKeySpec(wrapping, "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(key(id).getBytes(StandardCharsets.UTF_8));
        return gcm;
    }

    /** The readable slots; one that is not a slot of this format is skipped. */
    private static List<Slot> read(StorageTarget target) {
        List<Slot> slots = new ArrayList<>();
        Repository.forEach(target, RepositoryLayout.KEYS, (ObjectInfo info) -> {
            try {
                Slot slot = CanonicalJson.read(Repository.readAll(target, info.key()), Slot.class, info.key());
                if (slot != null && "heirloom-key-slot".equals(slot.format()) && slot.id() != null
                        && info.key().equals(key(slot.id()))) {
                    slots.add(slot);
                }
            } catch (StorageException e) {
                if (e.isTransient()) {
                    throw e;
                }
            }
        });
        return slots;
    }

    private static String key(String id) {
        return RepositoryLayout.KEYS + id + ".json";
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
