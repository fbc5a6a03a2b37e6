package dev.dbmq;

import static dev.dbmq.TestTasks.BOOM;
import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManualForemanTest {

    @TempDir
    Path dir;
    TaskQueue queue;
    final List<String> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        queue = TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void runs_tasks_only_when_stepped() {
        try (ManualForeman f = Foreman.builder(queue).handle(ECHO, a -> ran.add("echo " + a.n())).startManual()) {
            queue.enqueue(ECHO, new Echo(1));
            queue.enqueue(ECHO, new Echo(2));
            queue.enqueue(ECHO, new Echo(3));
            assertEquals(List.of(), ran);
            assertTrue(f.runNext());
            assertEquals(List.of("echo 1"), ran);
            assertEquals(2, f.runPending());
            assertEquals(List.of("echo 1", "echo 2", "echo 3"), ran);
            assertFalse(f.runNext());
            assertEquals(0, f.runPending());
        }
    }

    @Test
    void eager_mode_runs_each_task_on_the_enqueuing_thread_through_the_database() {
        Thread caller = Thread.currentThread();
        try (ManualForeman f = Foreman.builder(queue)
                .handle(ECHO, a -> {
                    assertEquals(caller, Thread.currentThread());
                    ran.add("echo " + a.n());
                    if (a.n() == 1) {
                        queue.enqueue(ECHO, new Echo(2)); // a task enqueuing a task
                    }
                })
                .handle(BOOM, a -> {
                    throw new IllegalStateException("boom");
                })
                .startEager()) {
            queue.enqueue(ECHO, new Echo(1));
            assertEquals(List.of("echo 1", "echo 2"), ran);
            assertEquals(0, queue.pending());
            queue.enqueue(BOOM, new Echo(3)); // failures are kept, not thrown at the producer
            assertEquals(1, queue.failedTasks(10).size());
        }
    }

    @Test
    void eager_mode_runs_transactional_enqueues_at_the_next_step() throws Exception {
        try (ManualForeman f = Foreman.builder(queue).handle(ECHO, a -> ran.add("echo " + a.n())).startEager();
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"))) {
            DSL.using(c, SQLDialect.SQLITE).transaction(cfg -> queue.enqueue(cfg.dsl(), ECHO, new Echo(1)));
            assertEquals(List.of(), ran);
            assertEquals(1, f.runPending());
            assertEquals(List.of("echo 1"), ran);
        }
    }

    @Test
    void a_real_foreman_cannot_start_beside_an_eager_one() {
        try (ManualForeman f = Foreman.builder(queue).handle(ECHO, a -> { }).startEager()) {
            DbmqException e = assertThrows(DbmqException.class,
                    () -> Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false).start());
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
        }
        // released on close
        Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false).start().close();
    }

    @Test
    void a_listener_throwing_errors_costs_no_task_in_a_manual_foreman() {
        ForemanListener throwing = new ForemanListener() {
            @Override
            public void taskStarted(TaskEvent.Started e) {
                throw new AssertionError("taskStarted");
            }

            @Override
            public void taskRejected(TaskEvent.Rejected e) {
                throw new AssertionError("taskRejected");
            }
        };
        try (ManualForeman f = Foreman.builder(queue).listener(throwing).handle(ECHO, a -> ran.add("echo " + a.n()))
                .startManual()) {
            queue.database().autocommit(dsl -> TaskStore.insert(dsl, "no-such-task", "{}", null, 0, 0, 1));
            queue.enqueue(ECHO, new Echo(1));
            queue.enqueue(ECHO, new Echo(2));
            assertEquals(3, f.runPending());
            assertEquals(List.of("echo 1", "echo 2"), ran);
            assertEquals(1, queue.failedTasks(10).size());
        }
    }

    /**
     * A manual foreman, too, tries a failed attempt's outcome again while the database refuses it (another connection
     * holds the write lock longer than busyTimeout), on the caller's thread: the task is kept once the lock is gone.
     */
    @Test
    void a_failed_attempts_outcome_that_meets_a_locked_database_is_kept_once_the_lock_is_released()
            throws Exception {
        Path file = dir.resolve("queue.db");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (TaskQueue impatient = TaskQueue.open(QueueSettings.sqlite(file).busyTimeout(Duration.ofMillis(100))
                .build());
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = other.createStatement()) {
            long id = impatient.enqueue(BOOM, new Echo(1));
            ManualForeman f = Foreman.builder(impatient).handle(BOOM, a -> {
                st.execute("BEGIN IMMEDIATE"); // another connection takes the write lock as the handler fails
                throw new IllegalStateException("boom");
            }).startManual();
            Future<Integer> run = caller.submit(f::runPending);
            new Recorder().await(() -> ((CallerThreadForeman) f).outcomeWriteFailures() >= 1 || run.isDone(),
                    "the outcome write to fail");
            assertFalse(run.isDone(), "runPending() returned while the database was locked");
            st.execute("COMMIT");
            assertEquals(1, run.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(id), impatient.failedTasks(10).stream().map(FailedTask::id).toList());
            f.close();
        } finally {
            caller.shutdownNow();
        }
    }
}
