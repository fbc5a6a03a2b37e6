package dev.dbmq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.internal.StoredText;
import java.nio.charset.StandardCharsets;

/** Task args to and from JSON, with the size and depth limits. Thread-safe (ObjectMapper is, once configured). */
final class ArgsCodec {

    /**
     * Deepest nesting of objects and arrays in args, at enqueue and at claim. Jackson's own default (500) lets a
     * recursive args type overflow a thread's stack while it decodes (a few hundred levels do at -Xss256k);
     * task args are flat records in practice, and 100 levels leave room for trees while decoding stays far from the
     * stack's end.
     */
    static final int MAX_DEPTH = 100;

    private final ObjectMapper mapper;
    private final int maxBytes;

    /** Works on a copy of {@code mapper}: the depth limits are ours, the application's mapper stays as it was. */
    ArgsCodec(ObjectMapper mapper, int maxBytes) {
        this.mapper = copy(mapper);
        this.mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .setStreamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        this.maxBytes = maxBytes;
    }

    private static ObjectMapper copy(ObjectMapper mapper) {
        try {
            return mapper.copy();
        } catch (IllegalStateException e) {
            return mapper; // a subclass without copy(): the limits go on its own factory
        }
    }

    /**
     * How args evolve: a field the JSON has and the type lacks is ignored, so producers may write a field
     * before foremen know it; a field the type has and the JSON lacks (renamed, or added after the task was queued)
     * makes the args undecodable, as does {@code null} for a primitive, so the task is kept in the failed-tasks table
     * instead of running with a zero (a renamed {@code eventId} ran as {@code id = 0}). An explicit {@code null} for
     * an object field still decodes, as null.
     */
    static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true) // records: every component
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    }

    /** Encodes at enqueue; refuses (nothing is written) what can't be stored or read back. */
    String encode(Task<?> task, Object args) {
        if (args == null) {
            throw new IllegalArgumentException("args of task " + task.name()
                    + " must not be null; a task without arguments takes a record with no components");
        }
        if (!task.argsType().isInstance(args)) {
            throw new IllegalArgumentException("args of task " + task.name() + " must be a "
                    + task.argsType().getName() + ", was a " + args.getClass().getName());
        }
        String json;
        try {
            json = mapper.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("args of task " + task.name() + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
        // Jackson escapes a NUL in a String but writes half a surrogate pair as it is, which the drivers store as '?'
        StoredText.require("args of task " + task.name() + " (as JSON)", json, "nothing was written");
        // UTF-8 takes 1 to 3 bytes per char: count exactly only when the bounds don't decide
        if ((long) json.length() * 3 > maxBytes) {
            int bytes = json.length() > maxBytes ? json.length() : json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxBytes) {
                throw new IllegalArgumentException("args of task " + task.name() + " are "
                        + (bytes == json.length() ? "at least " : "") + bytes
                        + " bytes of JSON, over maxArgsBytes=" + maxBytes);
            }
        }
        return json;
    }

    /**
     * Writes a small map once, unused, so the first {@link #encode} finds Jackson's generator and serializer classes
     * loaded (a noticeable part of a cold JVM's first enqueue). Best effort: a mapper that can't write it is left as it is.
     */
    void warmUp() {
        try {
            mapper.writeValueAsString(java.util.Map.of("n", 1));
        } catch (JsonProcessingException | RuntimeException | LinkageError e) {
            // only a warm-up: the first encode reports what matters
        }
    }

    /**
     * Builds and caches Jackson's deserializer for {@code type} (ObjectMapper's root deserializers, which
     * {@link #decode} reads), so that the first claim of a task of that type does not build it inside the claim's
     * transaction ({@link ForemanWarmUp}). Runs no constructor or setter of {@code type}. Best effort: a type that
     * can't be decoded fails at its claim, with the task's own reason.
     */
    void prepareDecode(Class<?> type) {
        try {
            mapper.readerFor(type);
        } catch (Throwable e) {
            // a custom module or deserializer failing here fails again at the claim, which reports it
        }
    }

    /**
     * Loads Jackson's decoding path (the parser; a record's creator, a bean's setters and fields; numbers, strings,
     * lists, maps, enums, nested objects; the error a claim turns into a rejection) by decoding types of dbmq's own,
     * so no application code runs here ({@link ForemanWarmUp}). An args type's own deserializers and modules are
     * still first used at its first claim. Best effort.
     */
    void warmUpDecoding() {
        String json = "{\"n\":1,\"id\":2,\"text\":\"a\",\"flag\":true,\"ratio\":1.5,\"list\":[\"b\"],"
                + "\"map\":{\"c\":3},\"kind\":\"ONE\",\"nested\":{\"n\":4,\"text\":null}}";
        try {
            mapper.readValue(json, SampleRecord.class);
            mapper.readValue(json, SampleBean.class);
            mapper.readTree(json);
        } catch (Throwable e) {
            // an application's mapper may refuse our samples (a naming strategy, stricter features): only a warm-up
        }
        try {
            mapper.readValue("\"not an object\"", SampleRecord.class);
        } catch (Throwable e) {
            // expected: the path of args that can't be decoded, which a claim keeps as failed
        }
    }

    enum SampleKind { ONE }

    record SampleRecord(int n, long id, String text, boolean flag, double ratio, java.util.List<String> list,
                        java.util.Map<String, Integer> map, SampleKind kind, SampleBean nested) {
    }

    static final class SampleBean {
        public int n;
        private String text;

        public void setText(String text) {
            this.text = text;
        }

        public String getText() {
            return text;
        }
    }

    /** Decodes at claim time. */
    <A> A decode(String json, Class<A> type) throws JsonProcessingException {
        A args = mapper.readValue(json, type);
        if (args == null) {
            throw new IllegalArgumentException("args are JSON null");
        }
        return args;
    }
}
