package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static dev.dbmq.TestTasks.SLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer and foreman in different JVMs, as Bugsink runs them. */
@Tag("smoke") // one of the few CI runs again on the newest JDK
class CrossProcessTest {

    @TempDir
    Path dir;

    @Test
    void a_producer_in_another_process_wakes_the_foreman() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> seen.add(a.n())).listener(recorder)
                     .pollInterval(Duration.ofHours(1)) // no backstop: only the wakeup directory can do it
                     .stopOnShutdown(false).start()) {
            recorder.awaitIdleAfter(0);
            try (ChildJvm producer = ChildJvm.start("enqueue", db.toString(), "300")) {
                producer.await("ENQUEUED 300");
                assertEquals(0, producer.awaitExit());
            }
            recorder.awaitCount("succeeded", 300);
            assertEquals(300, seen.size());
            // Wakeups coalesce: the burst left no more than one file behind, and the foreman unlinks it.
            recorder.await(() -> fileCount(queue.settings().wakeupDirectory()) == 0, "wakeup files to be unlinked");
        }
    }

    @Test
    void refuses_to_start_while_a_foreman_runs_in_another_process_and_starts_once_it_is_killed() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db); ChildJvm other = ChildJvm.start("foreman", db.toString())) {
            other.await("STARTED");
            DbmqException e = assertThrows(DbmqException.class,
                    () -> Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false).start());
            assertTrue(e.getMessage().contains("already running") && e.getMessage().contains("another process"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(":" + other.pid() + ":"), "names the holder: " + e.getMessage());
            other.kill(); // SIGKILL: no chance to clean up; the kernel drops the lock
            other.awaitExit();
            Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false).start().close();
        }
    }

    @Test
    void sigterm_stops_the_foreman_gracefully_letting_the_running_task_finish() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db); ChildJvm foreman = ChildJvm.start("foreman", db.toString())) {
            foreman.await("STARTED");
            queue.enqueue(SLOW, new Echo(42));
            foreman.await("RUNNING 42");
            foreman.terminate(); // SIGTERM while the handler runs
            foreman.await("stopping (graceful timeout"); // from the shutdown hook
            foreman.send("release");
            foreman.await("DONE 42");
            foreman.await(" stopped");
            assertEquals(143, foreman.awaitExit()); // 128 + SIGTERM: the JVM's exit status after its hooks ran
        }
    }

    private static long fileCount(Path dir) {
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
