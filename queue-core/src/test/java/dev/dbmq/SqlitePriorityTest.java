package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlitePriorityTest extends PriorityContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @ParameterizedTest(name = "priority {0}")
    @ValueSource(ints = {-1, 4, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void a_priority_outside_0_to_3_is_refused_when_set_with_the_setting_named(int priority) {
        String expected = "priority must be 0 (runs first) to 3 (runs last), was " + priority;
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> BULK.priority(priority))
                .getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> Enqueue.now().priority(priority)).getMessage());
    }

    @Test
    void priorities_show_where_they_are_set() {
        assertEquals(Task.DEFAULT_PRIORITY, Task.of("plain", Job.class).priority());
        assertEquals(3, BULK.priority());
        assertEquals("Task[bulk-export, " + Job.class.getName() + ", priority 3]", BULK.toString());
        assertEquals("Task[plain, " + Job.class.getName() + "]", Task.of("plain", Job.class).toString());
        assertEquals("Enqueue.now().priority(0)", Enqueue.now().priority(0).toString());
        assertEquals(Enqueue.now().priority(2), Enqueue.now().priority(2));
        assertEquals(0, Enqueue.now().priority(0).priority(BULK), "the enqueue's, over the task's");
        assertEquals(3, Enqueue.now().priority(BULK), "else the task's");
    }

    /** The database refuses a row no claim would read (written by another tool): an error, not a stranded task. */
    @Test
    void the_database_refuses_a_priority_no_claim_reads() {
        TaskQueue queue = closing(openQueue());
        assertThrows(RuntimeException.class, () -> queue.database().autocommit(dsl ->
                dev.dbmq.internal.TaskStore.insert(dsl, "bulk-export", "{}", null, 0, 0, 7)));
        assertEquals(0, queue.pending());
    }
}
