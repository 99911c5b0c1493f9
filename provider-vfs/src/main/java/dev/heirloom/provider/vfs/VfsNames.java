package dev.heirloom.provider.vfs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Between object keys and the names Commons VFS 2.10 understands. VFS reads a name as a URI path:
 * a literal {@code %} would start an escape and, in WebDAV URLs, {@code ?} and {@code #} would end
 * the path, so they are escaped. WebDAV listings come back with each percent-escaped UTF-8 byte
 * decoded as one Latin-1 character ({@code été} as {@code Ã©tÃ©}) and {@code ?} still escaped; those
 * are undone here.
 */
final class VfsNames {
    private VfsNames() {
    }

    static String escape(String key, boolean webdav) {
        String out = key.replace("%", "%25");
        return webdav ? out.replace("?", "%3F").replace("#", "%23") : out;
    }

    /** The real name of a child as VFS listed it. */
    static String listed(String baseName, boolean webdav) {
        if (!webdav) {
            return baseName.replace("%25", "%");
        }
        // servers write the escapes in either case (rclone %3F, Apache %3f)
        return utf8(baseName).replaceAll("(?i)%3F", "?").replaceAll("%23", "#").replaceAll("%25", "%");
    }

    /** A name whose characters are the bytes of valid UTF-8 read as Latin-1, decoded; any other unchanged. */
    static String utf8(String name) {
        boolean high = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0xff) {
                return name;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return name;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return name;
        }
    }
}
