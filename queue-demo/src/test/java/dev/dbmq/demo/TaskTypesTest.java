package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbmq.testing.ManualForeman;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskTypesTest {

    @TempDir
    Path dir;

    @Test
    void flaky_fails_exactly_for_event_ids_ending_in_7() {
        for (long id = 0; id < 30; id++) {
            Flaky f = new Flaky(id);
            if (id % 10 == 7) {
                assertThrows(Flaky.IntegrationDown.class, () -> Flaky.handler().handle(f), "event " + id);
            } else {
                assertDoesNotThrow(() -> Flaky.handler().handle(f), "event " + id);
            }
        }
    }

    @Test
    void a_digest_queues_a_forward_and_for_errors_a_notification() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.enqueueAll(Digest.TASK, List.of(new Digest(1, "info", "a"), new Digest(2, "error", "b"),
                    new Digest(3, "fatal", "c"), new Digest(7, "debug", "d")));
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                assertEquals(4 + 4 + 2, foreman.runPending());
            }
            QueueStats stats = queue.stats();
            assertEquals(new QueueStats.TaskCounts(4, 0), stats.counts().get("digest"));
            assertEquals(new QueueStats.TaskCounts(2, 0), stats.counts().get("notify"));
            assertEquals(new QueueStats.TaskCounts(3, 1), stats.counts().get("flaky"));
        }
    }

    @Test
    void a_digest_needs_a_known_level() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Digest(1, "loud", ""));
        assertEquals("level must be one of debug, info, warning, error, fatal; was \"loud\"", e.getMessage());
        assertEquals("", new Digest(1, "info", null).message());
    }
}
