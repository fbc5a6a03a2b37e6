package dev.dbmq.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbmq.FailedFilter;
import dev.dbmq.PendingFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Query parameters and JSON bodies turned into the queue's filters. Every refusal is an
 * {@link IllegalArgumentException} whose message starts with the API's name of the field ({@code filter.from},
 * {@code limit}, {@code ids}), answered 400. An empty query parameter means "any" (a form's empty field); in a body,
 * a field is a non-empty string or absent (or null).
 */
final class Filters {

    /** Rows a listing returns unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** Most rows a listing returns. */
    static final int MAX_LIMIT = 1000;

    private static final Set<String> FAILED_FIELDS = Set.of("name", "reason", "from", "to");
    private static final Set<String> PENDING_FIELDS = Set.of("name", "keyPrefix");

    private Filters() {
    }

    static int limit(Map<String, String> query) {
        String raw = query.get("limit");
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", was \"" + raw
                    + "\"");
        }
        return limit;
    }

    /** The query's {@code name} (a task name), or null when absent or empty: any name. */
    static String taskName(Map<String, String> query) {
        return nonEmpty(query.get("name"));
    }

    /** The failed-task filter of {@code api/failed}'s query: name, reason, from, to. */
    static FailedFilter failed(Map<String, String> query) {
        return failed(query::get, "");
    }

    /** The pending-task filter of {@code api/scheduled}'s query: name, keyPrefix. */
    static PendingFilter pending(Map<String, String> query) {
        return pending(query::get, "");
    }

    /**
     * What a bulk call's body selects: {@code {"ids":[…]}} or {@code {"filter":{…}}}, where an empty filter
     * selects every failed task.
     */
    static FailedFilter failedSelection(JsonNode body) {
        JsonNode filter = selection(body);
        if (filter == null) {
            return FailedFilter.all().ids(ids(body.get("ids")));
        }
        checkFields(filter, FAILED_FIELDS);
        return failed(field -> text(filter, field), "filter.");
    }

    /** As {@link #failedSelection}, for pending tasks: {@code {"ids":[…]}} or {@code {"filter":{"name","keyPrefix"}}}. */
    static PendingFilter pendingSelection(JsonNode body) {
        JsonNode filter = selection(body);
        if (filter == null) {
            return PendingFilter.all().ids(ids(body.get("ids")));
        }
        checkFields(filter, PENDING_FIELDS);
        return pending(field -> text(filter, field), "filter.");
    }

    /** The body's filter object, or null when it selects by ids; refuses anything else. */
    private static JsonNode selection(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object: {\"ids\":[…]} or {\"filter\":{…}}");
        }
        checkFields(body, Set.of("ids", "filter"));
        boolean hasIds = body.has("ids");
        boolean hasFilter = body.has("filter");
        if (hasIds == hasFilter) {
            throw new IllegalArgumentException("body must have either ids or filter, had "
                    + (hasIds ? "both" : "neither") + " ({\"filter\":{}} selects all)");
        }
        if (hasFilter) {
            JsonNode filter = body.get("filter");
            if (!filter.isObject()) {
                throw new IllegalArgumentException("filter must be a JSON object, was " + filter.getNodeType());
            }
            return filter;
        }
        return null;
    }

    private static List<Long> ids(JsonNode ids) {
        if (!ids.isArray()) {
            throw new IllegalArgumentException("ids must be an array of task ids, was " + ids.getNodeType());
        }
        if (ids.size() > FailedFilter.MAX_IDS) {
            throw new IllegalArgumentException("ids must list 1 to " + FailedFilter.MAX_IDS + " ids, listed "
                    + ids.size());
        }
        List<Long> list = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                throw new IllegalArgumentException("ids must be an array of task ids, held " + id);
            }
            list.add(id.asLong());
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("ids must list 1 to " + FailedFilter.MAX_IDS + " ids, listed 0");
        }
        return list;
    }

    private static FailedFilter failed(Function<String, String> field, String prefix) {
        FailedFilter filter = FailedFilter.all();
        String name = nonEmpty(field.apply("name"));
        if (name != null) {
            filter = filter.taskName(name);
        }
        String reason = nonEmpty(field.apply("reason"));
        if (reason != null) {
            filter = filter.reasonContains(reason);
        }
        String from = nonEmpty(field.apply("from"));
        if (from != null) {
            filter = filter.failedAfter(instant(prefix + "from", from));
        }
        String to = nonEmpty(field.apply("to"));
        if (to != null) {
            filter = filter.failedBefore(instant(prefix + "to", to));
        }
        return filter;
    }

    private static PendingFilter pending(Function<String, String> field, String prefix) {
        PendingFilter filter = PendingFilter.all();
        String name = nonEmpty(field.apply("name"));
        if (name != null) {
            filter = filter.taskName(name);
        }
        String keyPrefix = nonEmpty(field.apply("keyPrefix"));
        if (keyPrefix != null) {
            PendingFilter named = filter;
            filter = named(prefix + "keyPrefix", () -> named.keyPrefix(keyPrefix));
        }
        return filter;
    }

    /** Runs a filter method, its refusal's message prefixed with the API's name of the field when it differs. */
    private static <T> T named(String field, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            String bare = field.substring(field.lastIndexOf('.') + 1);
            throw new IllegalArgumentException(message.startsWith(field) ? message
                    : message.startsWith(bare) ? field + message.substring(bare.length()) : field + ": " + message, e);
        }
    }

    static Instant instant(String field, String raw) {
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2026-12-01T12:00:00Z,"
                    + " was \"" + raw + "\"", e);
        }
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** A body field's text: null when absent or null; refused when it is not a non-empty string. */
    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("filter." + field + " must be a non-empty string or absent, was "
                    + value);
        }
        return value.asText();
    }

    private static void checkFields(JsonNode object, Set<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\"; expected " + new java.util.TreeSet<>(
                        allowed));
            }
        }
    }
}
