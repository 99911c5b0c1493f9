package dev.heirloom.repository;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * File names as the bytes the file system holds, whatever the locale. On Linux a name is any
 * bytes but {@code /} and NUL, not always UTF-8 (a camera card written by an old Windows tool, a
 * Latin-1 archive), and Java decodes names by the locale: without a UTF-8 one every non-ASCII
 * name reads as {@code ?}, and with one an invalid byte reads as U+FFFD, so two names become one.
 *
 * <p>Heirloom keeps a name as a Java string that maps one to one onto its bytes: valid UTF-8 is
 * decoded, and each byte that is not part of valid UTF-8 becomes the lone surrogate
 * {@code U+DC80..U+DCFF} (the "surrogate escape" of PEP 383), which valid UTF-8 never decodes to.
 * So distinct names stay distinct and every name gives back its exact bytes. Trees store such an
 * escaped name as a readable {@code name} (each escaped byte as U+FFFD) plus {@code nameBytes},
 * the raw bytes in base64 (docs/format.md).
 *
 * <p>Paths are built from the bytes through {@code file:} URIs, whose percent escapes the JDK
 * turns back into exactly those bytes, so no locale is needed to read or restore any name.
 */
public final class FileName {
    private static final boolean UTF8_NAMES = isUtf8(System.getProperty("sun.jnu.encoding", ""));

    private FileName() {
    }

    private static boolean isUtf8(String charset) {
        String c = charset.toUpperCase(java.util.Locale.ROOT).replace("-", "");
        return c.equals("UTF8");
    }

    /** The name of a directory entry (its last segment), exact whatever the locale. */
    public static String of(Path entry) {
        String shown = entry.getFileName().toString();
        if (ascii(shown) || (UTF8_NAMES && shown.indexOf('\uFFFD') < 0)) {
            return shown;
        }
        String raw = entry.toUri().getRawPath();
        int end = raw.endsWith("/") ? raw.length() - 1 : raw.length();
        return decode(unescape(raw.substring(raw.lastIndexOf('/', end - 1) + 1, end)));
    }

    /** The name for these bytes: valid UTF-8 decoded, every other byte escaped. */
    public static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            if (r.isOverflow()) {
                throw new IllegalStateException("a name decodes to more chars than it has bytes");
            }
            for (int i = 0; i < r.length(); i++) {
                out.put((char) (0xDC00 | (in.get() & 0xFF)));
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** The bytes of a name: the inverse of {@link #decode}. */
    public static byte[] bytes(String name) {
        if (!escaped(name)) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(name.length() * 3);
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            if (isEscape(name, i)) {
                out.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(name.charAt(i) & 0xFF);
                start = i + 1;
            }
        }
        out.writeBytes(name.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Whether a name holds bytes that are not valid UTF-8 (escaped). */
    public static boolean escaped(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (isEscape(name, i)) {
                return true;
            }
        }
        return false;
    }

    /** A lone low surrogate U+DC80..U+DCFF: an escaped byte. */
    private static boolean isEscape(String s, int i) {
        char c = s.charAt(i);
        return c >= '\uDC80' && c <= '\uDCFF' && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    /** The name for people to read: each escaped byte shown as U+FFFD. */
    public static String readable(String name) {
        if (!escaped(name)) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            sb.append(isEscape(name, i) ? '\uFFFD' : name.charAt(i));
        }
        return sb.toString();
    }

    /** The raw bytes of an escaped name in base64, or null for a UTF-8 name (the form trees store). */
    public static String bytesBase64(String name) {
        return escaped(name) ? Base64.getEncoder().encodeToString(bytes(name)) : null;
    }

    /** The name a tree entry stores as {@code name} and {@code nameBytes} (null for a UTF-8 name). */
    public static String fromStored(String name, String nameBytesBase64) {
        if (nameBytesBase64 == null) {
            return name;
        }
        try {
            return decode(Base64.getDecoder().decode(nameBytesBase64));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nameBytes of '" + name + "' is not base64");
        }
    }

    /**
     * The path of a {@code /}-separated relative path of names below a folder, with the names'
     * exact bytes.
     */
    public static Path resolve(Path dir, String relative) {
        if (ascii(relative) || (UTF8_NAMES && !escaped(relative))) {
            return dir.resolve(relative);
        }
        String base = dir.toAbsolutePath().toUri().getRawPath();
        StringBuilder uri = new StringBuilder("file://").append(base.endsWith("/") ? base : base + "/");
        HexFormat hex = HexFormat.of().withUpperCase();
        for (byte b : bytes(relative)) {
            int c = b & 0xFF;
            if (c == '/' || (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0))) {
                uri.append((char) c);
            } else {
                uri.append('%').append(hex.toHexDigits((byte) c));
            }
        }
        return Path.of(URI.create(uri.toString()));
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Percent escapes of a URI's raw path back to bytes. */
    private static byte[] unescape(String raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
