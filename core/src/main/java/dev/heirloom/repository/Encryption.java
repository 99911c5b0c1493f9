package dev.heirloom.repository;

import dev.heirloom.spi.InvalidConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a target's repository is to be encrypted: chosen when the repository is created, and the
 * secret that opens it afterwards. {@link #passphrase} and {@link #keyFile} encrypt a new
 * repository (and open an encrypted one); {@link #none()} states that a repository is kept in the
 * clear on purpose; {@link #unspecified()} (a target configured without a word on it) does the same
 * but lets plans and status warn when the target is offsite. The secret is never part of
 * {@link #toString()}, of an exception or of a log line.
 */
public final class Encryption {
    private enum Kind { UNSPECIFIED, NONE, PASSPHRASE, KEY_FILE }

    private static final Encryption UNSPECIFIED = new Encryption(Kind.UNSPECIFIED, null, null);
    private static final Encryption NONE = new Encryption(Kind.NONE, null, null);

    private final Kind kind;
    private final Supplier<byte[]> secret;
    private final Path keyFile;

    private Encryption(Kind kind, Supplier<byte[]> secret, Path keyFile) {
        this.kind = kind;
        this.secret = secret;
        this.keyFile = keyFile;
    }

    /** No word on encryption: a new repository is plain, and an offsite one is warned about. */
    public static Encryption unspecified() {
        return UNSPECIFIED;
    }

    /** A plain repository, on purpose (no warning). An encrypted repository cannot be opened with it. */
    public static Encryption none() {
        return NONE;
    }

    /**
     * Encrypts with keys wrapped by this passphrase (its UTF-8 bytes). The characters are copied.
     *
     * @throws IllegalArgumentException when it is empty
     */
    public static Encryption passphrase(CharSequence passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length() == 0) {
            throw new IllegalArgumentException("an empty passphrase protects nothing");
        }
        byte[] bytes = passphrase.toString().getBytes(StandardCharsets.UTF_8);
        return new Encryption(Kind.PASSPHRASE, () -> bytes.clone(), null);
    }

    /**
     * Encrypts with keys wrapped by the content of a file (read when the repository is opened; one
     * trailing line break is not part of it), for a secret kept on a USB key or in a secrets store.
     */
    public static Encryption keyFile(Path file) {
        Objects.requireNonNull(file, "file");
        return new Encryption(Kind.KEY_FILE, () -> readKeyFile(file), file);
    }

    private static byte[] readKeyFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read the key file " + file + ": " + e.getClass().getSimpleName());
        }
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        if (end == 0) {
            throw new InvalidConfigException("the key file " + file + " is empty");
        }
        return Arrays.copyOf(bytes, end);
    }

    /** Whether a new repository is encrypted (a passphrase or key file is given). */
    public boolean encrypts() {
        return kind == Kind.PASSPHRASE || kind == Kind.KEY_FILE;
    }

    /** Whether the user said nothing about encryption. */
    public boolean isUnspecified() {
        return kind == Kind.UNSPECIFIED;
    }

    /** Hands a fresh copy of the secret's bytes to {@code use}, and clears it afterwards. */
    <T> T withSecret(java.util.function.Function<byte[], T> use) {
        if (!encrypts()) {
            throw new IllegalStateException("no secret: " + this);
        }
        byte[] bytes = secret.get();
        try {
            return use.apply(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case UNSPECIFIED -> "unspecified";
            case NONE -> "none";
            case PASSPHRASE -> "passphrase";
            case KEY_FILE -> "keyFile " + keyFile;
        };
    }
}
