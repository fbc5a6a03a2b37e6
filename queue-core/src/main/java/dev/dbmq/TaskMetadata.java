package dev.dbmq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dbmq.internal.StoredText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's metadata (the {@code metadata} column, V4): string keys and values that {@link EnqueueInterceptor}s store
 * with a task and {@link TaskContext#metadata()} gives back, such as a trace context. Stored as a JSON object, or NULL
 * when empty, so tasks without metadata cost nothing. Written with Jackson's streaming API, not an ObjectMapper: the
 * application's mapper configuration (naming strategies, …) must not change how it is stored.
 */
final class TaskMetadata {

    /** Longest key accepted by {@link EnqueueInterceptor.Invocation#putMetadata}. */
    static final int MAX_KEY_LENGTH = 100;
    /** Most characters of all keys and values together: a W3C trace context is about 600 at most, baggage aside. */
    static final int MAX_CHARS = 8192;

    private static final JsonFactory JSON = new JsonFactory();

    private TaskMetadata() {
    }

    /** The column's value: null for none. */
    static String encode(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * The column read back, unmodifiable; empty for null.
     *
     * @throws IllegalArgumentException when it is not a JSON object of strings (written by something else)
     */
    static Map<String, String> decode(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("metadata is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String key = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw new IllegalArgumentException("metadata value of \"" + key + "\" is not a string");
                }
                metadata.put(key, p.getText());
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("metadata has more after its object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String does not fail to read
        }
        return Map.copyOf(metadata);
    }

    /** Checks one entry before it is added to {@code metadata}; names the limit it breaks. */
    static void checkEntry(Map<String, String> metadata, String key, String value) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("metadata key must be 1 to " + MAX_KEY_LENGTH + " characters, was "
                    + (key == null ? "null" : key.length() + " characters"));
        }
        StoredText.require("metadata key", key, "not put");
        if (value == null) {
            throw new IllegalArgumentException("metadata value of \"" + key + "\" must not be null");
        }
        StoredText.require("metadata value of \"" + key + '"', value, "not put");
        long chars = (long) key.length() + value.length();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!e.getKey().equals(key)) {
                chars += e.getKey().length() + e.getValue().length();
            }
        }
        if (chars > MAX_CHARS) {
            throw new IllegalArgumentException("metadata would be " + chars + " characters with \"" + key
                    + "\", over the limit of " + MAX_CHARS);
        }
    }
}
