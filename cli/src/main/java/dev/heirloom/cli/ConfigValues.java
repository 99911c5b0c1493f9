package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heirloom.spi.InvalidConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed values of a configuration file, each read strictly: a value of the wrong type is an
 * {@link InvalidConfigException} naming where it is, never coerced; {@code ${env:NAME}} references
 * are resolved in text; relative paths are relative to the file's folder.
 */
final class ConfigValues {
    /** A reference to an environment variable in a value: {@code ${env:NAME}}. */
    static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private final Path base;
    private final Function<String, String> env;

    /**
     * @param base the configuration file's folder
     * @param env  looks environment variables up
     */
    ConfigValues(Path base, Function<String, String> env) {
        this.base = base;
        this.env = env;
    }

    Path path(String value) {
        Path p;
        try {
            p = Path.of(value.startsWith("~/") ? System.getProperty("user.home") + value.substring(1) : value);
        } catch (java.nio.file.InvalidPathException e) {
            String charset = System.getProperty("sun.jnu.encoding", "?");
            throw new InvalidConfigException("the path '" + value + "' cannot be spelled in this locale's file name "
                    + "encoding (" + charset + "); run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (bin/heirloom sets "
                    + "one when it can)");
        }
        return (p.isAbsolute() ? p : base.resolve(p)).normalize();
    }

    <T> T parse(JsonNode node, String field, String where, Function<String, T> parser) {
        String value = text(node.get(field), where + "." + field);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(where + "." + field + ": " + e.getMessage());
        }
    }

    String text(JsonNode node, String where) {
        if (node != null && node.isNull()) {
            throw new InvalidConfigException(where + " is empty (a bare null or ~ is no value; quote it to mean the word)");
        }
        if (node == null || !node.isValueNode()) {
            throw new InvalidConfigException(where + " must be a plain value");
        }
        return resolved(node.asText(), env, where);
    }

    /**
     * The text with each {@code ${env:NAME}} replaced by the variable's value.
     *
     * @throws InvalidConfigException naming {@code where} when a variable is not set
     */
    static String resolved(String text, Function<String, String> env, String where) {
        Matcher m = ENV.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                throw new InvalidConfigException(where + " refers to the environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Option values with their {@code ${env:NAME}} references replaced; see {@link #resolved(String, Function, String)}. */
    static Map<String, String> resolved(Map<String, String> options, Function<String, String> env, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, resolved(v, env, where + " " + k)));
        return out;
    }

    List<String> strings(JsonNode node, String where) {
        List<String> list = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                list.add(text(node.get(i), where + "[" + i + "]"));
            }
        } else {
            list.add(text(node, where));
        }
        return list;
    }

    static boolean bool(JsonNode node, String where) {
        if (!node.isBoolean()) {
            throw new InvalidConfigException(where + " must be true or false, not '" + node.asText() + "'");
        }
        return node.booleanValue();
    }

    static int atLeastZero(JsonNode node, String where) {
        if (!node.isInt() || node.intValue() < 0) {
            throw new InvalidConfigException(where + " must be a whole number of at least 0, not '" + node.asText() + "'");
        }
        return node.intValue();
    }

    /** {@code { upload: KIB_PER_S, download: KIB_PER_S }}, either may be left out (no limit). */
    static dev.heirloom.storage.Bandwidth bandwidth(JsonNode node, String where) {
        onlyKnown(node, Set.of("upload", "download"), where);
        return new dev.heirloom.storage.Bandwidth(node.has("upload") ? positive(node.get("upload"), where + ".upload") : 0,
                node.has("download") ? positive(node.get("download"), where + ".download") : 0);
    }

    static int positive(JsonNode node, String where) {
        if (!node.isInt() || node.intValue() < 1) {
            throw new InvalidConfigException(where + " must be a whole number of at least 1, not '" + node.asText() + "'");
        }
        return node.intValue();
    }

    static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new InvalidConfigException((where.isEmpty() ? "" : where + ": ") + "'" + field + "' is required");
        }
        if (value.isNull()) {
            throw new InvalidConfigException((where.isEmpty() ? "" : where + ": ") + "'" + field
                    + "' is empty (a bare null or ~ is no value; quote it to mean the word)");
        }
        return value;
    }

    static void onlyKnown(JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new InvalidConfigException((where.isEmpty() ? "configuration" : where) + " must be a mapping");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidConfigException((where.isEmpty() ? "" : where + ": ") + "unknown field '" + name
                        + "'; known: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }
}
