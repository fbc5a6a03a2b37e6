package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker process is a main that starts a foreman and returns (the getting-started worker): it must stay up. */
class WorkerProcessTest {

    @TempDir
    Path dir;

    @Test
    void a_worker_whose_main_returns_after_start_stays_up_runs_tasks_and_exits_on_sigterm() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db); ChildJvm worker = ChildJvm.start("worker-main", db.toString())) {
            worker.await("MAIN RETURNS");
            // Not a synchronisation sleep: the assertion is that the JVM does not end by itself. Before the fix it
            // ended about 1.7 s after main returned (only daemon threads were left).
            assertFalse(worker.process().waitFor(2, TimeUnit.SECONDS),
                    "the worker JVM exited after its main returned; output: " + worker.output);
            queue.enqueue(TestTasks.ECHO, new Echo(7)); // this JVM as the producer: a wakeup file, then inotify
            worker.await("RAN 7");
            worker.terminate(); // SIGTERM: the foreman's shutdown hook stops it gracefully, then the JVM ends
            worker.await(" stopped");
            assertEquals(143, worker.awaitExit()); // 128 + SIGTERM; awaitExit fails after 30 s (a hang guard)
        }
    }

    @Test
    void a_running_foreman_holds_one_non_daemon_thread_and_lets_it_go_at_close() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            Foreman foreman = Foreman.builder(queue).handle(TestTasks.ECHO, a -> { }).stopOnShutdown(false).start();
            List<Thread> holding = nonDaemonThreadsOf(foreman);
            assertEquals(1, holding.size(), "threads of " + foreman.id() + ": " + holding);
            foreman.close();
            holding.get(0).join(Recorder.TIMEOUT.toMillis());
            assertFalse(holding.get(0).isAlive(), "still holding the JVM after close(): " + holding);
        }
    }

    private static List<Thread> nonDaemonThreadsOf(Foreman foreman) {
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(foreman.threadName("alive")) && !t.isDaemon()).toList();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals(foreman.threadName("foreman"))),
                "the foreman's threads are named after it");
        return threads;
    }
}
