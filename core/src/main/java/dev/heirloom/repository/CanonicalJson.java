package dev.heirloom.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heirloom.spi.StorageException;

import java.io.IOException;

/**
 * The one JSON form of repository files: UTF-8, no whitespace, fields in declared order, instants
 * as ISO-8601 UTC strings. Equal values always give equal bytes, so hashes of trees are stable.
 * Unknown fields are ignored on read, so newer writers may add fields.
 */
public final class CanonicalJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private CanonicalJson() {
    }

    /** The canonical bytes of a repository file's value. */
    public static byte[] write(Object value) {
        if (value instanceof Tree tree) {
            return TreeCodec.write(tree);
        }
        return writeBound(value);
    }

    /** {@link #write} by data binding alone, which {@link TreeCodec} matches byte for byte. */
    static byte[] writeBound(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decodes a repository file.
     *
     * @throws StorageException naming the key when the bytes are not a valid file of that type
     */
    public static <T> T read(byte[] bytes, Class<T> type, String key) {
        try {
            if (type == Tree.class) {
                Tree tree = TreeCodec.read(bytes);
                if (tree != null) {
                    return type.cast(tree);
                }
            }
            return MAPPER.readValue(bytes, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new StorageException("corrupt repository file " + key + ": " + e.getMessage(), e);
        }
    }
}
