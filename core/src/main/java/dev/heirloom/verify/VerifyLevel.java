package dev.heirloom.verify;

import java.util.Locale;

/** How thoroughly to check a target, cheapest first. */
public enum VerifyLevel {
    /** Every object named by a snapshot exists with the right size (a listing, no reads). */
    PRESENT,
    /**
     * As present, and the checksums the target computed or stored for each object (GCS crc32c/md5,
     * Azure Content-MD5) equal the ones recorded at backup, without downloading. What it proves
     * depends on the target: a checksum the service recomputes proves the stored bytes, one it
     * merely stores (Azure) proves what was uploaded.
     */
    CHECKSUM,
    /** Every object is read back in full and its SHA-256 compared with its name. */
    CONTENT;

    /** The command-line and record spelling: {@code present}, {@code checksum} or {@code content}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spelling, in any case; an unknown one is an {@link IllegalArgumentException} naming the three. */
    public static VerifyLevel parse(String value) {
        for (VerifyLevel l : values()) {
            if (l.label().equalsIgnoreCase(value.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown verification level '" + value + "'; use present, checksum or content");
    }
}
