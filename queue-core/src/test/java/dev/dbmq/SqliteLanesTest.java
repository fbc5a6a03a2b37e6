package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLanesTest extends LanesContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue reopen(TaskQueue queue) {
        return TaskQueue.sqlite(queue.settings().databaseFile());
    }

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @Test
    void a_handler_in_a_lane_without_workers_is_refused_at_start() {
        TaskQueue queue = closing(openQueue());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Foreman.builder(queue).handle(EXPORT, args -> { }).start());
        assertEquals("task export is in lane bulk, which has no workers here: call lane(\"bulk\", workers)",
                e.getMessage());
    }

    @Test
    void bad_lane_settings_fail_when_set_with_the_setting_named() {
        TaskQueue queue = closing(openQueue());
        Foreman.Builder builder = Foreman.builder(queue);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.lane("no spaces", 1)).getMessage()
                .startsWith("lane must be 1 to 100 characters of [A-Za-z0-9_.:-]"));
        assertEquals("workers of lane bulk must be between 1 and 1024, was 0",
                assertThrows(IllegalArgumentException.class, () -> builder.lane("bulk", 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> URGENT.lane("")).getMessage()
                .startsWith("lane must be 1 to 100 characters"));
        assertEquals("bulk", EXPORT.lane());
        assertEquals(Task.DEFAULT_LANE, URGENT.lane());
        assertEquals("Task[export, " + Job.class.getName() + ", lane bulk]", EXPORT.toString());
    }
}
