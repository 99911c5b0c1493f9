package dev.heirloom.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.heirloom.spi.InvalidConfigException;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Reads a YAML document into a tree that keeps the text the user wrote. The YAML 1.1 rules of the
 * underlying parser turn bare words and numbers into something else ({@code off} and {@code no}
 * into false, {@code 0777} into 511, {@code 1e3} into 1000.0): here only {@code true} and
 * {@code false} are booleans, only plain decimal whole numbers are numbers, and every other
 * scalar stays text exactly as written, so a name, path, URI or option value never changes, and
 * a field that wants a number or a boolean refuses anything else with a clear message. A key
 * given twice in one mapping is an error rather than the last one silently winning.
 */
final class LiteralYaml {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final YAMLFactory YAML = new YAMLFactory();

    private LiteralYaml() {
    }

    /** The document's root node, or null for an empty document. */
    static JsonNode read(String yaml) throws IOException {
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken t = p.nextToken();
            return t == null ? null : node(p, t);
        }
    }

    private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                for (JsonToken field = p.nextToken(); field != JsonToken.END_OBJECT; field = p.nextToken()) {
                    String name = p.currentName();
                    JsonNode value = node(p, p.nextToken());
                    if (object.has(name)) {
                        throw new InvalidConfigException("'" + name + "' is given twice in one mapping (line "
                                + p.currentLocation().getLineNr() + ")");
                    }
                    object.set(name, value);
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    array.add(node(p, item));
                }
                return array;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                return text.equals("true") ? BooleanNode.TRUE : text.equals("false") ? BooleanNode.FALSE : TextNode.valueOf(text);
            }
            case VALUE_NUMBER_INT -> {
                String text = p.getText();
                if (!WHOLE_NUMBER.matcher(text).matches() || text.length() > 18) {
                    return TextNode.valueOf(text); // 0777, 0x1F, 1_000, +5 and the like stay as written
                }
                long value = Long.parseLong(text);
                return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
            }
            case VALUE_NULL -> {
                return NullNode.getInstance();
            }
            default -> {
                return TextNode.valueOf(p.getText()); // strings, 1e3, 2.9, .inf: as written
            }
        }
    }
}
