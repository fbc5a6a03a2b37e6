package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Args change between the enqueue and the run (a rolling deploy): a field the handler needs and the row lacks makes
 * the task undecodable, so it is kept, never run with a zero; a field the handler does not know is ignored.
 */
class ArgsEvolutionTest {

    /** The consumer's args after {@code eventId} was renamed to {@code id}. */
    record Renamed(long id) {
    }

    static final Task<Renamed> DIGEST = Task.of("digest", Renamed.class);

    @TempDir
    Path dir;

    @Test
    void a_renamed_field_keeps_the_task_as_failed_instead_of_running_it_with_zero() {
        List<Long> ran = new CopyOnWriteArrayList<>();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            // written by an older producer, before the rename
            queue.database().autocommit(dsl -> TaskStore.insert(dsl, "digest", "{\"eventId\":3}", null, 0, 0, 1));
            try (ManualForeman foreman = Foreman.builder(queue).handle(DIGEST, a -> ran.add(a.id())).startManual()) {
                foreman.runPending();
            }
            assertEquals(List.of(), ran, "the handler must not run with id = 0");
            List<FailedTask> failed = queue.failedTasks(10);
            assertEquals(1, failed.size());
            assertEquals("{\"eventId\":3}", failed.get(0).args());
            String reason = failed.get(0).reason();
            assertTrue(reason.contains("Missing creator property 'id'"), reason);
            assertTrue(reason.contains(Renamed.class.getName()), "names the args type: " + reason);
        }
    }

    @Test
    void a_field_the_consumer_does_not_know_yet_is_ignored_and_the_task_runs() {
        List<Long> ran = new CopyOnWriteArrayList<>();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            // a newer producer added "level" before this consumer knows it
            queue.database().autocommit(dsl -> TaskStore.insert(dsl, "digest", "{\"id\":3,\"level\":\"error\"}", null, 0, 0, 1));
            try (ManualForeman foreman = Foreman.builder(queue).handle(DIGEST, a -> ran.add(a.id())).startManual()) {
                foreman.runPending();
            }
            assertEquals(List.of(3L), ran);
            assertEquals(0, queue.stats().failedKept());
        }
    }

    @Test
    void an_explicit_null_for_a_primitive_keeps_the_task_as_failed() {
        List<Long> ran = new CopyOnWriteArrayList<>();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.database().autocommit(dsl -> TaskStore.insert(dsl, "digest", "{\"id\":null}", null, 0, 0, 1));
            try (ManualForeman foreman = Foreman.builder(queue).handle(DIGEST, a -> ran.add(a.id())).startManual()) {
                foreman.runPending();
            }
            assertEquals(List.of(), ran);
            String reason = queue.failedTasks(10).get(0).reason();
            assertTrue(reason.contains("Cannot map `null` into type `long`"), reason);
        }
    }
}
