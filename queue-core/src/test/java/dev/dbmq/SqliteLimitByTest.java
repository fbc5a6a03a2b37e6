package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteLimitByTest extends LimitByContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {0, -1, 1_000_001})
    void a_limit_per_key_outside_1_to_a_million_is_refused_when_set(int limit) {
        assertEquals("limitBy's limit must be 1 to 1000000, was " + limit, assertThrows(
                IllegalArgumentException.class, () -> Task.of("t", Export.class).limitBy(Export::customer, limit))
                .getMessage());
    }

    /** A key that can't be had refuses the enqueue, naming the task; nothing is written. */
    @Test
    void an_enqueue_whose_key_cannot_be_had_is_refused_and_writes_nothing() {
        TaskQueue queue = closing(openQueue());
        Task<Export> nullKey = Task.of("null-key", Export.class).limitBy(e -> null, 1);
        Task<Export> throwing = Task.of("throwing", Export.class).limitBy(e -> {
            throw new IllegalStateException("no customer");
        }, 1);
        Task<Export> longKey = Task.of("long-key", Export.class).limitBy(e -> "k".repeat(201), 1);
        Export args = new Export("a", 0);
        assertEquals("task null-key: limitBy's key function returned null; every task of a type with limitBy needs"
                + " a key", assertThrows(IllegalArgumentException.class, () -> queue.enqueue(nullKey, args))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> queue.enqueue(throwing, args)).getMessage()
                .startsWith("task throwing: limitBy's key function threw java.lang.IllegalStateException: no customer"));
        assertEquals("task long-key: limitBy's key must be at most 200 characters, was 201",
                assertThrows(IllegalArgumentException.class,
                        () -> queue.enqueueAll(longKey, java.util.List.of(args))).getMessage());
        assertEquals(0, queue.pending());
    }

    @Test
    void a_limit_per_key_shows_in_the_task() {
        assertEquals(1, EXPORT.limitPerKey());
        assertEquals(Task.NO_LIMIT, Task.of("t", Export.class).limitPerKey());
        assertEquals("Task[export, " + Export.class.getName() + ", limit 1 per key]", EXPORT.toString());
    }
}
