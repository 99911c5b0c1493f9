package dev.heirloom.repository;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import dev.heirloom.spi.Capabilities;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.StorageException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An encrypted repository's files (docs/format.md, "Encrypted repositories"): every file is Tink's
 * {@code AES256_GCM_HKDF_1MB} streaming AEAD ciphertext of its plain form, with the file's key as
 * associated data, so a file moved to another name no longer opens; a content object's or tree's
 * name is the HMAC-SHA256 of its plaintext SHA-256 (as hex text) under the repository's name key,
 * so equal content still gets one name and the store learns nothing from names. Thread-safe.
 */
final class EncryptedCipher implements RepositoryCipher {
    /** The content key and the name key, 32 bytes each, in this order: a key slot's plaintext. */
    static final int MASTER_KEY_BYTES = 64;
    static final String CONTENT_ALGORITHM = "AES256_GCM_HKDF_1MB";
    static final String NAME_ALGORITHM = "HMAC-SHA256";
    static final String KEYS_ALGORITHM = "scrypt+AES-256-GCM";
    private static final int SEGMENT = 1 << 20;

    /** What heirloom.json says of a repository whose files are padded ({@link PaddedPlaintext}). */
    static final String PADDING = "padme";

    private final AesGcmHkdfStreaming aead;
    private final byte[] contentKey;
    private final byte[] headerKey;
    private final SecretKeySpec nameKey;
    private final boolean padded;
    /** One per thread: a name is needed per object, and a Mac is not thread-safe. */
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

    /**
     * @param masterKey {@value #MASTER_KEY_BYTES} bytes: the content key, then the name key (copied)
     * @param padded    whether each file's plaintext is padded (format version 3) or the content alone
     */
    EncryptedCipher(byte[] masterKey, boolean padded) {
        this.padded = padded;
        if (masterKey.length != MASTER_KEY_BYTES) {
            throw new IllegalArgumentException("a master key has " + MASTER_KEY_BYTES + " bytes");
        }
        this.contentKey = java.util.Arrays.copyOfRange(masterKey, 0, 32);
        // the derived headers come from the name key (through HKDF with its own salt), never the content key
        this.headerKey = java.util.Arrays.copyOfRange(masterKey, 32, 64);
        try {
            this.aead = new AesGcmHkdfStreaming(contentKey, "HmacSha256", DerivedHeaderEncrypter.KEY_BYTES,
                    SEGMENT, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot run AES-256-GCM: " + e.getMessage(), e);
        }
        this.nameKey = new SecretKeySpec(java.util.Arrays.copyOfRange(masterKey, 32, 64), "HmacSHA256");
    }

    @Override
    public boolean encrypted() {
        return true;
    }

    @Override
    public String objectKey(String sha256) {
        return RepositoryLayout.objectKey(keyedName(RepositoryLayout.objectKey(sha256)));
    }

    @Override
    public String treeKey(String sha256) {
        return RepositoryLayout.treeKey(keyedName(RepositoryLayout.treeKey(sha256)));
    }

    /** HMAC-SHA256 of the plaintext hash's hex text (checked by the layout call before). */
    private String keyedName(String plainKey) {
        return hmacHex(plainKey.substring(plainKey.lastIndexOf('/') + 1));
    }

    /** What {@code heirloom.json} records to tell this master key from another ({@link RepositoryConfig.EncryptionInfo#check}). */
    String keyCheck() {
        return hmacHex("heirloom key check").substring(0, 16);
    }

    /** What {@code heirloom.json} says of a repository encrypted with this key. */
    RepositoryConfig.EncryptionInfo info() {
        return new RepositoryConfig.EncryptionInfo(CONTENT_ALGORITHM, NAME_ALGORITHM, KEYS_ALGORITHM, keyCheck(),
                padded ? PADDING : null);
    }

    /** Whether files are padded. */
    boolean padded() {
        return padded;
    }

    /** Whether this Heirloom reads a repository encrypted as described. */
    static boolean understands(RepositoryConfig.EncryptionInfo info) {
        return CONTENT_ALGORITHM.equals(info.content()) && NAME_ALGORITHM.equals(info.names())
                && KEYS_ALGORITHM.equals(info.keys()) && (info.padding() == null || PADDING.equals(info.padding()));
    }

    private String hmacHex(String text) {
        return HexFormat.of().formatHex(mac.get().doFinal(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(nameKey);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot run HMAC-SHA256: " + e.getMessage(), e);
        }
    }

    @Override
    public long storedSize(long plainSize) {
        return aead.expectedCiphertextSize(padded ? PaddedPlaintext.size(plainSize) : plainSize);
    }

    @Override
    public long plainSize(String key, long storedSize, java.util.function.LongFunction<InputStream> firstBytes)
            throws IOException {
        if (!padded) {
            long segment = aead.getCiphertextSegmentSize();
            long segments = Math.max(1, (storedSize + segment - 1) / segment);
            return Math.max(0, storedSize - aead.getHeaderLength() - segments * aead.getCiphertextOverhead());
        }
        // the length field is in the first segment; one byte more tells the decrypter it is not the last
        long first = Math.min(storedSize, aead.getCiphertextSegmentSize() + 1L);
        try (PaddedPlaintext.Unpadding in = PaddedPlaintext.unpad(segments(key, firstBytes.apply(first), first), key)) {
            return in.length();
        }
    }

    @Override
    public byte[] seal(String key, byte[] plain) {
        try (InputStream in = stream(key, new ByteArrayInputStream(plain), plain.length, null, null)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] open(String key, byte[] stored) {
        try (InputStream in = decrypting(key, new ByteArrayInputStream(stored), stored.length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StorageException("cannot decrypt " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ContentSource seal(String key, ContentSource plain, String sha256, Optional<PrefixHashes> firstRead) {
        if (plain.size() >= SEGMENT) {
            GcmWarmUp.start();
        }
        long size = storedSize(plain.size());
        Optional<PrefixHashes> check = firstRead.filter(f -> f.sha256().equals(sha256) && f.size() == plain.size());
        // bytes that cannot change (held in memory since they were hashed) need no second hash
        boolean vouched = sha256 != null && plain.knownChecksums().get(ChecksumAlgorithm.SHA256).filter(sha256::equals).isPresent();
        // the same ciphertext on every try only for bytes proven to be the hashed ones (see DerivedHeaderEncrypter)
        boolean same = sha256 != null && (check.isPresent() || vouched);
        Optional<String> identity = same ? Optional.of(hmacHex("resumable " + (padded ? "padded " : "") + key))
                : Optional.empty();
        return new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                if (!same) {
                    return stream(key, plain.open(), plain.size(), sha256, null);
                }
                InputStream content = plain.open();
                if (check.isPresent()) {
                    content = check.get().verifying(content, key);
                }
                return stream(key, content, plain.size(), null, headerKey);
            }

            @Override
            public Optional<String> identity() {
                return identity;
            }
        };
    }

    /**
     * @param headerKey null for Tink's random header, else the key a {@link DerivedHeaderEncrypter} derives it from
     */
    private InputStream stream(String key, InputStream plain, long size, String sha256, byte[] headerKey)
            throws IOException {
        try {
            byte[] aad = associatedData(key);
            com.google.crypto.tink.subtle.StreamSegmentEncrypter encrypter = headerKey == null
                    ? aead.newStreamSegmentEncrypter(aad) : new DerivedHeaderEncrypter(contentKey, headerKey, aad);
            if (padded) {
                return new SegmentEncryptingStream(aead, encrypter, PaddedPlaintext.pad(plain, size, sha256, key),
                        PaddedPlaintext.size(size), null, key);
            }
            return new SegmentEncryptingStream(aead, encrypter, plain, size, sha256, key);
        } catch (GeneralSecurityException e) {
            plain.close();
            throw new IOException("cannot encrypt " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key, InputStream stored) {
        GcmWarmUp.start(); // content is read as a stream; small files go through open(key, bytes)
        return decrypting(key, stored, -1);
    }

    private InputStream decrypting(String key, InputStream stored, long storedSize) {
        InputStream plain = segments(key, stored, storedSize);
        return padded ? PaddedPlaintext.unpad(plain, key) : plain;
    }

    private InputStream segments(String key, InputStream stored, long storedSize) {
        try {
            return new SegmentDecryptingStream(aead, associatedData(key), stored, storedSize, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot run AES-256-GCM: " + e.getMessage(), e);
        }
    }

    private static byte[] associatedData(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Checksums expected(Checksums plain) {
        return Checksums.none();
    }

    /**
     * What an encrypted repository offers on a target with these capabilities (no key is needed to
     * know it): no server checksums, hashing on the server or staging, since the server sees only
     * ciphertext, which differs from one encryption to the next, and staged content would be
     * encrypted before its name (the associated data) is known.
     */
    static Capabilities restrict(Capabilities target) {
        return Capabilities.builder()
                .conditionalCreate(target.conditionalCreate())
                .atomicReplace(target.atomicReplace())
                .rangeRead(target.rangeRead())
                .maxConcurrency(target.maxConcurrency())
                .retriesInternally(target.retriesInternally())
                .objectLock(target.objectLock())
                .build();
    }
}
