package dev.dbmq.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bugsink's ingest step, minus storing the event: checks a POSTed event and turns it into the args of its digest
 * task, giving it the next event id. Thread-safe.
 *
 * <p>An event is a JSON object; of its fields only {@code level} (default "error", as in Sentry) and {@code message}
 * are read, the rest are ignored as an SDK's extra fields would be.
 */
final class EventIngest {

    /** Largest event body accepted, in bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Longest message kept in the digest's args; the rest is cut. */
    static final int MAX_MESSAGE_CHARS = 200;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    // Starts at 1 in each server process: the demo keeps no events, only tasks that name them.
    private final AtomicLong nextEventId = new AtomicLong(1);

    /** Why an event was refused; its message is the reason sent back to the client. */
    static final class BadEvent extends Exception {
        BadEvent(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The digest args for this body. */
    Digest accept(byte[] body) throws BadEvent {
        JsonNode event = parse(body);
        String level = text(event, "level", "error");
        if (!Digest.LEVELS.contains(level)) {
            throw new BadEvent("level must be one of " + String.join(", ", Digest.LEVELS) + "; was \"" + level + '"');
        }
        String message = text(event, "message", "");
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS);
        }
        return new Digest(nextEventId.getAndIncrement(), level, message);
    }

    /** {@code n} made-up events, for the status page's burst button: one in five is an error. */
    List<Digest> burst(int n) {
        List<Digest> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long id = nextEventId.getAndIncrement();
            events.add(new Digest(id, id % 5 == 0 ? "error" : "info", "burst event " + id));
        }
        return events;
    }

    private static JsonNode parse(byte[] body) throws BadEvent {
        if (body.length == 0) {
            throw new BadEvent("body is empty; send a JSON object such as {\"level\":\"error\",\"message\":\"…\"}");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's location says "[Source: REDACTED …; line: 1, column: 9]": keep only line and column
            throw new BadEvent("body is not valid JSON: "
                    + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "["));
        } catch (IOException e) {
            throw new BadEvent("body could not be read: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new BadEvent("body must be a JSON object, was " + node.getNodeType().toString().toLowerCase());
        }
        return node;
    }

    private static String text(JsonNode event, String field, String absent) throws BadEvent {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw new BadEvent(field + " must be a string, was " + value.getNodeType().toString().toLowerCase());
        }
        return value.textValue();
    }
}
