package dev.heirloom.repository;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Trees in {@link CanonicalJson}'s form, written and read with Jackson's streaming API instead of
 * data binding: a backup reads and writes one tree per folder, a no-change run over a large library
 * mostly does this, and the bean machinery (and its ISO-8601 parser) cost more than the rest of the
 * run, in time and in warm-up. The bytes are exactly those data binding writes (a test keeps it so);
 * a tree this reader does not expect is read by data binding.
 */
final class TreeCodec {
    private static final JsonFactory JSON = new JsonFactory();

    private TreeCodec() {
    }

    static byte[] write(Tree tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 200 * tree.entries().size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", tree.version());
            g.writeArrayFieldStart("entries");
            for (TreeEntry e : tree.entries()) {
                g.writeStartObject();
                g.writeStringField("name", FileName.readable(e.name()));
                optional(g, "nameBytes", FileName.bytesBase64(e.name()));
                g.writeStringField("type", e.type().json());
                g.writeNumberField("size", e.size());
                g.writeStringField("mtime", instant(e.mtime()));
                optional(g, "content", e.content());
                optional(g, "tree", e.tree());
                optional(g, "media", e.media());
                optional(g, "fileKey", e.fileKey());
                optional(g, "md5", e.md5());
                optional(g, "crc32c", e.crc32c());
                optional(g, "suspect", e.suspect());
                optional(g, "captured", e.captured());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /**
     * Reads a tree in the form {@link #write} gives (fields in any order, unknown ones skipped).
     *
     * @return null when the bytes hold something else, for the caller to read the general way
     * @throws IllegalArgumentException when the JSON is well formed but not a valid tree
     */
    static Tree read(byte[] bytes) throws IOException {
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int version = 0;
            List<TreeEntry> entries = null;
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                if (field.equals("version") && t == JsonToken.VALUE_NUMBER_INT) {
                    version = p.getIntValue();
                } else if (field.equals("entries") && t == JsonToken.START_ARRAY) {
                    entries = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        TreeEntry e = entry(p);
                        if (e == null) {
                            return null;
                        }
                        entries.add(e);
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) {
                        return null;
                    }
                } else if (field.equals("version") || field.equals("entries")) {
                    return null; // of another type than expected: data binding decides
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || entries == null) {
                return null;
            }
            return new Tree(version, entries);
        }
    }

    /** One entry, the parser on its START_OBJECT; null for anything unexpected. */
    private static TreeEntry entry(JsonParser p) throws IOException {
        String name = null;
        String nameBytes = null;
        EntryType type = null;
        long size = 0;
        Instant mtime = null;
        String content = null;
        String tree = null;
        String media = null;
        String fileKey = null;
        String md5 = null;
        String crc32c = null;
        String suspect = null;
        String captured = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (field.equals("size")) {
                if (t != JsonToken.VALUE_NUMBER_INT) {
                    return null;
                }
                size = p.getLongValue();
                continue;
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (known(field)) {
                    return null;
                }
                p.skipChildren();
                continue;
            }
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            if (t != JsonToken.VALUE_STRING) {
                if (known(field)) {
                    return null;
                }
                continue;
            }
            String v = p.getText();
            switch (field) {
                case "name" -> name = v;
                case "nameBytes" -> nameBytes = v;
                case "type" -> {
                    type = v.equals("file") ? EntryType.FILE : v.equals("dir") ? EntryType.DIR : null;
                    if (type == null) {
                        return null;
                    }
                }
                case "mtime" -> {
                    mtime = parseInstant(v);
                    if (mtime == null) {
                        return null;
                    }
                }
                case "content" -> content = v;
                case "tree" -> tree = v;
                case "media" -> media = v;
                case "fileKey" -> fileKey = v;
                case "md5" -> md5 = v;
                case "crc32c" -> crc32c = v;
                case "suspect" -> suspect = v;
                case "captured" -> captured = v;
                default -> {
                }
            }
        }
        if (name == null || type == null || mtime == null) {
            return null;
        }
        return new TreeEntry(FileName.fromStored(name, nameBytes), type, size, mtime, content, tree, media, fileKey, md5,
                crc32c, suspect, captured);
    }

    private static boolean known(String field) {
        return switch (field) {
            case "name", "nameBytes", "type", "size", "mtime", "content", "tree", "media", "fileKey", "md5", "crc32c",
                 "suspect", "captured" -> true;
            default -> false;
        };
    }

    /** {@link Instant#toString()}, without its formatter for the years 0 to 9999. */
    static String instant(Instant t) {
        long seconds = t.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        if (days < -719_528 || days > 2_932_896) { // outside 0000-01-01 .. 9999-12-31
            return t.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(days);
        StringBuilder sb = new StringBuilder(30);
        pad(sb, date.getYear(), 4).append('-');
        pad(sb, date.getMonthValue(), 2).append('-');
        pad(sb, date.getDayOfMonth(), 2).append('T');
        pad(sb, secondOfDay / 3600, 2).append(':');
        pad(sb, secondOfDay / 60 % 60, 2).append(':');
        pad(sb, secondOfDay % 60, 2);
        int nanos = t.getNano();
        if (nanos > 0) {
            sb.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(sb, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                pad(sb, nanos / 1_000, 6);
            } else {
                pad(sb, nanos, 9);
            }
        }
        return sb.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    /** Parses {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}; anything else the general way; null if invalid. */
    static Instant parseInstant(String s) {
        int n = s.length();
        if (n >= 20 && n <= 30 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
                && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            int nanos = 0;
            boolean ok = year >= 0 && month >= 0 && day >= 0 && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
                    && second >= 0 && second < 60;
            if (ok && n > 20) {
                int fraction = n - 21;
                ok = s.charAt(19) == '.' && fraction >= 1 && fraction <= 9;
                if (ok) {
                    nanos = digits(s, 20, n - 1);
                    for (int i = fraction; i < 9 && nanos >= 0; i++) {
                        nanos *= 10;
                    }
                    ok = nanos >= 0;
                }
            } else if (ok) {
                ok = s.charAt(19) == 'Z';
            }
            if (ok) {
                try {
                    long days = LocalDate.of(year, month, day).toEpochDay();
                    return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in s[from, to), or -1 if a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
