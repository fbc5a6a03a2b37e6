package dev.dbmq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * Where a command prints: text for people, or with {@code --json} one JSON document for programs. JSON is built as a
 * tree, field by field, rather than by serialising the API's records: its field names are a contract for scripts, and
 * must not change when a record component is renamed. Instants are ISO-8601 strings (UTC), durations ISO-8601
 * ({@code PT1M30S}), absent values {@code null}.
 */
final class Output {

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final String queue;

    Output(PrintWriter out, PrintWriter err, boolean json, String queue) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.queue = queue;
    }

    /** Whether to print JSON. */
    boolean json() {
        return json;
    }

    /** The queue as the user named it: its file, or its URL without parameters. */
    String queue() {
        return queue;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** An instant as JSON: ISO-8601 text, or null. */
    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Prints a JSON document, indented, on stdout. */
    void print(JsonNode document) {
        out.println(document.toPrettyString());
        out.flush();
    }
}
