package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Bad run-at, key and retry settings fail at once, naming the setting and the value, and write nothing. */
class EnqueueOptionsTest {

    @TempDir
    Path dir;

    static String refused(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void bad_enqueue_options_are_refused_naming_the_value() {
        assertEquals("delay must not be negative, was PT-1S", refused(() -> Enqueue.after(Duration.ofSeconds(-1))));
        assertEquals("delay must be at most 1000 years, was PT8760000H1S",
                refused(() -> Enqueue.after(Duration.ofDays(365_000).plusSeconds(1))));
        assertEquals("instant must be within epoch milliseconds, was +1000000000-12-31T23:59:59.999999999Z",
                refused(() -> Enqueue.at(Instant.MAX)));
        assertEquals("key must be 1 to 200 characters, was 201 characters",
                refused(() -> Enqueue.now().key("k".repeat(201))));
        assertEquals("key must be 1 to 200 characters, was 0 characters", refused(() -> Enqueue.now().key("")));
        assertEquals("key must not start with \"dbmq:\" (reserved for recurring schedules), was \"dbmq:x\"",
                refused(() -> Enqueue.now().key("dbmq:x")));
        assertEquals("key", assertThrows(NullPointerException.class, () -> Enqueue.now().key(null)).getMessage());
        assertEquals("instant", assertThrows(NullPointerException.class, () -> Enqueue.at(null)).getMessage());
        Enqueue.now().key("k".repeat(200)); // the limit itself is fine
    }

    @Test
    void bad_retry_settings_are_refused_naming_the_value() {
        assertEquals("maxAttempts must be between 1 and 100, was 0",
                refused(() -> Retry.exponential(Duration.ofSeconds(1), 0)));
        assertEquals("maxAttempts must be between 1 and 100, was 101",
                refused(() -> Retry.fixed(Duration.ofSeconds(1), 101)));
        assertEquals("initialDelay must be between 1 ms and 1 day, was PT0S",
                refused(() -> Retry.exponential(Duration.ZERO, 3)));
        assertEquals("delay must be between 1 ms and 1 day, was PT-1S",
                refused(() -> Retry.fixed(Duration.ofSeconds(-1), 3)));
        assertEquals("maxDelay must be between the initial delay (PT10S) and 30 days, was PT1S",
                refused(() -> Retry.exponential(Duration.ofSeconds(10), 3).maxDelay(Duration.ofSeconds(1))));
    }

    @Test
    void exponential_backoff_doubles_up_to_its_maximum_with_ten_percent_jitter() {
        Retry retry = Retry.exponential(Duration.ofSeconds(1), 6).maxDelay(Duration.ofSeconds(5));
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 5_000L, 5_000L),
                List.of(retry.baseDelayMillis(1), retry.baseDelayMillis(2), retry.baseDelayMillis(3),
                        retry.baseDelayMillis(4), retry.baseDelayMillis(5)));
        for (int i = 0; i < 1000; i++) {
            long d = retry.delayMillis(2);
            if (d < 1_800 || d > 2_200) {
                throw new AssertionError("jittered delay " + d + " outside 2000 ms ± 10%");
            }
        }
        assertEquals(true, Retry.none().maxAttempts() == 1 && !Retry.none().retriesAfter(1));
        assertEquals(true, retry.retriesAfter(5) && !retry.retriesAfter(6));
    }

    @Test
    void a_key_in_enqueueAll_is_refused_and_nothing_is_written() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            assertEquals("options must not have a key in enqueueAll (a key names one task), was"
                    + " Enqueue.now().key(\"k\"); enqueue each keyed task on its own",
                    refused(() -> queue.enqueueAll(ECHO, List.of(new Echo(1)), Enqueue.now().key("k"))));
            assertEquals(0, queue.pending());
        }
    }
}
