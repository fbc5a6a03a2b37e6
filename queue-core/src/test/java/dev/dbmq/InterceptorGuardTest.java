package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interceptors are user code: whatever one does, an enqueue writes once and ends as its write did, and a task runs
 * once and ends as its handler did ({@link EnqueueInterceptor}, {@link TaskInterceptor}). Run on a manual foreman, so
 * every step happens on the test's thread.
 */
class InterceptorGuardTest {

    @TempDir
    Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final Recorder recorder = new Recorder();
    final List<String> ran = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    TaskQueue queue(EnqueueInterceptor... interceptors) {
        QueueSettings.Builder settings = QueueSettings.sqlite(dir.resolve("queue.db"));
        for (EnqueueInterceptor i : interceptors) {
            settings.enqueueInterceptor(i);
        }
        TaskQueue queue = TaskQueue.open(settings.build());
        toClose.add(queue);
        return queue;
    }

    ManualForeman foreman(TaskQueue queue, TaskInterceptor... interceptors) {
        Foreman.Builder b = Foreman.builder(queue).listener(recorder)
                .handle(ECHO, (a, ctx) -> {
                    ran.add(a.n() + " " + ctx.metadata());
                    if (a.n() < 0) {
                        throw new IllegalStateException("handler fails " + a.n());
                    }
                });
        for (TaskInterceptor i : interceptors) {
            b.interceptor(i);
        }
        ManualForeman f = b.startManual();
        toClose.add(f);
        return f;
    }

    static EnqueueInterceptor putting(String key) {
        return e -> {
            e.putMetadata(key, "v");
            e.proceed();
        };
    }

    @Test
    void an_enqueue_interceptor_that_throws_or_does_not_proceed_is_skipped_with_its_metadata_and_the_task_written() {
        TaskQueue queue = queue(putting("outer"),
                e -> {
                    e.putMetadata("thrower", "v");
                    throw new AssertionError("interceptor bug");
                },
                e -> e.putMetadata("forgetter", "v"), // never proceeds
                putting("inner"));
        ManualForeman f = foreman(queue);
        long id = queue.enqueue(ECHO, new Echo(1));
        assertEquals(1, queue.pending());
        assertEquals(1, f.runPending());
        assertEquals(List.of("1 " + Map.of("outer", "v", "inner", "v")), ran, "the skipped ones' puts are undone");
        assertEquals(1, recorder.count("succeeded"));
        assertTrue(id > 0);
    }

    @Test
    void an_enqueue_interceptor_that_throws_after_proceeding_changes_nothing_the_caller_sees() {
        TaskQueue queue = queue(e -> {
            e.proceed();
            throw new IllegalStateException("after the write");
        });
        ManualForeman f = foreman(queue);
        long first = queue.enqueue(ECHO, new Echo(1));
        List<Long> more = queue.enqueueAll(ECHO, List.of(new Echo(2), new Echo(3)));
        assertEquals(List.of(first + 1, first + 2), more);
        assertEquals(3, f.runPending());
    }

    @Test
    void the_caller_gets_the_writes_own_exception_even_when_an_interceptor_swallows_or_wraps_it() throws Exception {
        AtomicReference<Throwable> seenByInterceptor = new AtomicReference<>();
        TaskQueue queue = queue(
                e -> {
                    try {
                        e.proceed();
                    } catch (RuntimeException swallowed) {
                        seenByInterceptor.set(swallowed);
                    }
                },
                e -> {
                    try {
                        e.proceed();
                    } catch (RuntimeException wrapped) {
                        throw new IllegalStateException("wrapped", wrapped);
                    }
                });
        Path other = dir.resolve("other.db");
        try (TaskQueue otherQueue = TaskQueue.sqlite(other);
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            // the write refuses a transaction on another database
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(DSL.using(c, SQLDialect.SQLITE), ECHO, new Echo(1)));
            assertTrue(thrown.getMessage().contains("tx must be on the queue's file"), thrown.getMessage());
            assertSame(thrown, seenByInterceptor.get(), "the outer interceptor saw the write's own exception");
            assertEquals(0, otherQueue.pending());
        }
        assertEquals(0, queue.pending());
    }

    @Test
    void an_invocation_refuses_a_second_proceed_a_late_put_and_metadata_over_its_limits() {
        List<String> refused = new ArrayList<>();
        TaskQueue queue = queue(e -> {
            expectRefusal(refused, () -> e.putMetadata("", "v"));
            expectRefusal(refused, () -> e.putMetadata("k".repeat(101), "v"));
            expectRefusal(refused, () -> e.putMetadata("k", null));
            e.putMetadata("big", "x".repeat(8000));
            expectRefusal(refused, () -> e.putMetadata("more", "x".repeat(200)));
            e.putMetadata("big", "replaced"); // a replaced value no longer counts
            e.putMetadata("more", "x".repeat(200));
            e.proceed();
            expectRefusal(refused, e::proceed);
            expectRefusal(refused, () -> e.putMetadata("late", "v"));
        });
        ManualForeman f = foreman(queue);
        queue.enqueue(ECHO, new Echo(1));
        assertEquals(1, f.runPending(), "written once");
        assertEquals(List.of(
                "IllegalArgumentException: metadata key must be 1 to 100 characters, was 0 characters",
                "IllegalArgumentException: metadata key must be 1 to 100 characters, was 101 characters",
                "IllegalArgumentException: metadata value of \"k\" must not be null",
                "IllegalArgumentException: metadata would be 8207 characters with \"more\", over the limit of 8192",
                "IllegalStateException: proceed() called twice for one enqueue of echo",
                "IllegalStateException: putMetadata(\"late\") after proceed(): the tasks of echo are written already"),
                refused);
        assertEquals(List.of("1 " + Map.of("big", "replaced", "more", "x".repeat(200))), ran);
    }

    private static void expectRefusal(List<String> refused, Runnable r) {
        try {
            r.run();
            refused.add("nothing refused");
        } catch (RuntimeException e) {
            refused.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Test
    void a_task_interceptor_that_throws_or_does_not_proceed_is_skipped_and_the_handler_runs_once() {
        TaskQueue queue = queue();
        List<String> order = new ArrayList<>();
        ManualForeman f = foreman(queue,
                t -> {
                    order.add("outer in");
                    t.proceed();
                    order.add("outer out");
                },
                t -> {
                    throw new AssertionError("interceptor bug");
                },
                t -> order.add("forgetter"), // never proceeds
                t -> {
                    order.add("inner in " + t.taskName() + " " + t.context().attempt());
                    t.proceed();
                });
        queue.enqueue(ECHO, new Echo(1));
        assertEquals(1, f.runPending());
        assertEquals(List.of("1 {}"), ran);
        assertEquals(List.of("outer in", "forgetter", "inner in echo 1", "outer out"), order);
        assertEquals(1, recorder.count("succeeded"));
    }

    @Test
    void a_task_interceptor_cannot_fail_a_task_that_ran_nor_save_one_that_failed() {
        TaskQueue queue = queue();
        ManualForeman f = foreman(queue, t -> {
            try {
                t.proceed();
            } catch (IllegalStateException handlerFailure) {
                return; // swallowed: the task fails all the same
            }
            throw new IllegalStateException("after a handler that returned");
        });
        long ok = queue.enqueue(ECHO, new Echo(1));
        long failing = queue.enqueue(ECHO, new Echo(-1));
        assertEquals(2, f.runPending());
        assertEquals(1, recorder.count("succeeded"));
        assertEquals(1, recorder.count("failed"));
        assertEquals(List.of(failing), queue.failedTasks(10).stream().map(FailedTask::id).toList());
        assertTrue(queue.failedTasks(10).get(0).reason().contains("handler fails -1"));
        assertTrue(ok != failing);
    }

    @Test
    void a_task_interceptor_gets_the_handlers_own_exception_and_a_second_proceed_is_refused() {
        TaskQueue queue = queue();
        List<String> seen = new ArrayList<>();
        ManualForeman f = foreman(queue, t -> {
            try {
                t.proceed();
            } catch (Exception e) {
                seen.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                throw e;
            } finally {
                try {
                    t.proceed();
                } catch (IllegalStateException e) {
                    seen.add(e.getMessage());
                }
            }
        });
        long id = queue.enqueue(ECHO, new Echo(-2));
        assertEquals(1, f.runPending());
        assertEquals(List.of("-2 {}"), ran, "the handler ran once");
        assertEquals(List.of("IllegalStateException: handler fails -2",
                "proceed() called twice for task " + id + " (echo)"), seen, "the task named by its id");
        assertEquals(1, recorder.count("failed"));
    }

    @Test
    void metadata_that_cannot_be_read_is_left_out_and_the_task_runs() {
        TaskQueue queue = queue();
        ManualForeman f = foreman(queue);
        queue.database().autocommit(dsl -> TaskStore.insert(dsl, ECHO.name(), "{\"n\":1}", "{not json", 0, 0, 1));
        queue.database().autocommit(dsl -> TaskStore.insert(dsl, ECHO.name(), "{\"n\":2}", "{\"a\":1}", 0, 0, 1));
        queue.database().autocommit(dsl -> TaskStore.insert(dsl, ECHO.name(), "{\"n\":3}", "[]", 0, 0, 1));
        assertEquals(3, f.runPending());
        assertEquals(List.of("1 {}", "2 {}", "3 {}"), ran);
        assertEquals(3, recorder.count("succeeded"));
    }

    @Test
    void metadata_survives_its_json_encoding_whatever_its_characters() {
        Map<String, String> odd = Map.of("quote\"", "back\\slash", "unicode ü", "line\nbreak\u0000", "k", "");
        assertEquals(odd, TaskMetadata.decode(TaskMetadata.encode(odd)));
        assertEquals(null, TaskMetadata.encode(Map.of()));
        assertEquals(Map.of(), TaskMetadata.decode(null));
    }
}
