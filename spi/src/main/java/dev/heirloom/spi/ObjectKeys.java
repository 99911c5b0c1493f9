package dev.heirloom.spi;

/**
 * The rules every object key follows, so that a key maps safely onto any backend: one or more
 * segments separated by {@code /}; no empty, {@code .} or {@code ..} segment; no backslash,
 * control character or leading slash; at most 1024 characters.
 */
public final class ObjectKeys {
    /** Longest key accepted. */
    public static final int MAX_LENGTH = 1024;

    private ObjectKeys() {
    }

    /**
     * Returns the key when it follows the rules.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty object key");
        }
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw new IllegalArgumentException("object key contains a control character or backslash: " + printable(key));
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("object key has an empty, '.' or '..' segment: " + printable(key));
            }
        }
        return key;
    }

    /** Checks a listing prefix: empty, or a key-like string that may end with {@code /}. */
    public static String checkPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }

    /**
     * The name under which a backend stores a key (or listing prefix) of a repository kept under
     * {@code root} ({@code ""} for none): {@code root/key}. Checks the key first.
     */
    public static String under(String root, String key) {
        checkPrefix(key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an empty key");
        }
        return root.isEmpty() ? key : root + "/" + key;
    }

    /** The key of a backend name found under {@code root} by a listing: the inverse of {@link #under}. */
    public static String relative(String root, String name) {
        return root.isEmpty() ? name : name.substring(root.length() + 1);
    }

    private static String printable(String key) {
        StringBuilder sb = new StringBuilder();
        key.codePoints().limit(200).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
