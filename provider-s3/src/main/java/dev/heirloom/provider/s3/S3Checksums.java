package dev.heirloom.provider.s3;

import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.Checksums;
import software.amazon.awssdk.services.s3.model.ChecksumType;

import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Between S3's checksum headers (base64 of the digest; a composite multipart checksum ends in
 * {@code -N}) and Heirloom's lowercase hex values. Only full-object checksums describe the object's
 * bytes; composite ones (a hash of the parts' hashes) are left out.
 */
final class S3Checksums {
    private static final HexFormat HEX = HexFormat.of();

    private S3Checksums() {
    }

    static String base64(String hex) {
        return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
    }

    static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }

    /** The full-object checksums among what a HEAD or GET returned. */
    static Checksums of(String sha256, String crc32c, ChecksumType type) {
        if (type == ChecksumType.COMPOSITE) {
            return Checksums.none();
        }
        Map<ChecksumAlgorithm, String> values = new EnumMap<>(ChecksumAlgorithm.class);
        hex(sha256).ifPresent(v -> values.put(ChecksumAlgorithm.SHA256, v));
        hex(crc32c).ifPresent(v -> values.put(ChecksumAlgorithm.CRC32C, v));
        return new Checksums(values);
    }

    private static Optional<String> hex(String base64) {
        if (base64 == null || base64.isBlank() || base64.contains("-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(HEX.formatHex(Base64.getDecoder().decode(base64.trim())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** CRC-32C of {@code length} bytes, as the 4 big-endian bytes S3 sends (base64) and Heirloom records (hex). */
    static byte[] crc32c(byte[] data, int offset, int length) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data, offset, length);
        long v = crc.getValue();
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] md5(byte[] data, int offset, int length) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
            md.update(data, offset, length);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }
}
