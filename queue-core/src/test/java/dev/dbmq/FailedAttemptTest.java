package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.FailedAttempt.Outcome;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.testing.SettableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

/**
 * What follows an attempt that threw, as a table (the attempt, the task's Retry, what was thrown: what comes next,
 * what is logged, what is stored), then the log lines a real attempt writes.
 */
class FailedAttemptTest {

    private static final Retry FIVE = Retry.fixed(Duration.ofSeconds(1), 5);
    private static final Instant NEXT = Instant.parse("2026-12-01T12:00:10Z");
    private static final IllegalStateException BOOM = new IllegalStateException("boom");
    private static final NonRetryableException NO_ADDRESS = new NonRetryableException("no address");
    private static final NonRetryableException NO_ROW = new NonRetryableException("no row 7",
            new IllegalStateException("404"));
    private static final NonRetryableException OUTER = new NonRetryableException("outer", NO_ROW);

    static Stream<Arguments> table() {
        return Stream.of(
                row("attempts remain: retried, WARN, no stack trace", FIVE, 1, BOOM,
                        Outcome.RETRY, true, Level.WARN, null, null,
                        "Task 1036 (mail) attempt 1 of 5 failed: java.lang.IllegalStateException: boom; attempt 2 at "
                                + NEXT),
                row("the last attempt: kept, ERROR with the stack trace", FIVE, 5, BOOM,
                        Outcome.LAST, false, Level.ERROR, BOOM, "handler threw java.lang.IllegalStateException: boom",
                        "Task 1036 (mail) failed on its last attempt (5 of 5): java.lang.IllegalStateException: boom;"
                                + " keeping it in dbmq_failed_task"),
                row("no Retry: its only attempt", Retry.none(), 1, BOOM,
                        Outcome.LAST, false, Level.ERROR, BOOM, "handler threw java.lang.IllegalStateException: boom",
                        "Task 1036 (mail) failed: java.lang.IllegalStateException: boom; keeping it in"
                                + " dbmq_failed_task"),
                row("NonRetryableException with attempts left: kept at once, WARN, no stack trace", FIVE, 1,
                        NO_ADDRESS, Outcome.PERMANENT, true, Level.WARN, null,
                        "handler threw dev.dbmq.NonRetryableException: no address; declared permanent, not retried"
                                + " (attempt 1 of 5)",
                        "Task 1036 (mail) attempt 1 of 5 failed permanently: dev.dbmq.NonRetryableException: no"
                                + " address; not retried, keeping it in dbmq_failed_task"),
                row("NonRetryableException on the last attempt: permanent all the same", FIVE, 5, NO_ADDRESS,
                        Outcome.PERMANENT, false, Level.WARN, null,
                        "handler threw dev.dbmq.NonRetryableException: no address; declared permanent, not retried"
                                + " (attempt 5 of 5)",
                        "Task 1036 (mail) attempt 5 of 5 failed permanently: dev.dbmq.NonRetryableException: no"
                                + " address; not retried, keeping it in dbmq_failed_task"),
                row("NonRetryableException with a cause: its stack trace is logged", FIVE, 2, NO_ROW,
                        Outcome.PERMANENT, true, Level.WARN, NO_ROW,
                        "handler threw dev.dbmq.NonRetryableException: no row 7; declared permanent, not retried"
                                + " (attempt 2 of 5)",
                        "Task 1036 (mail) attempt 2 of 5 failed permanently: dev.dbmq.NonRetryableException: no row"
                                + " 7; not retried, keeping it in dbmq_failed_task"));
    }

    private static Arguments row(String what, Retry retry, int attempt, Throwable error, Outcome outcome,
                                 boolean retriesLeft, Level level, Throwable stackTrace, String reason, String line) {
        return Arguments.of(what, retry, attempt, error, outcome, retriesLeft, level, stackTrace, reason, line);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides_logs_and_stores(String what, Retry retry, int attempt, Throwable error, Outcome outcome,
                                 boolean retriesLeft, Level level, Throwable stackTrace, String reason, String line) {
        FailedAttempt failed = FailedAttempt.of(retry, attempt, error);
        assertEquals(outcome, failed.outcome());
        assertEquals(retriesLeft, failed.retriesLeft());
        assertEquals(level, failed.level());
        assertSame(stackTrace, failed.stackTrace());
        if (reason != null) {
            assertEquals(reason, failed.reason());
        }
        assertEquals(line, failed.logLine(1036, "mail", outcome == Outcome.RETRY ? NEXT : null));
    }

    @Test
    void a_wrapped_non_retryable_exception_counts_and_the_reason_and_line_name_the_wrapper() {
        CompletionException wrapped = new CompletionException(NO_ADDRESS);
        FailedAttempt failed = FailedAttempt.of(FIVE, 1, wrapped);
        assertEquals(Outcome.PERMANENT, failed.outcome());
        assertSame(NO_ADDRESS, failed.permanent());
        assertNull(failed.stackTrace(), "the NonRetryableException has no cause of its own");
        assertEquals("handler threw dev.dbmq.NonRetryableException: no address (in a"
                + " java.util.concurrent.CompletionException); declared permanent, not retried (attempt 1 of 5)",
                failed.reason());
        CompletionException wrappedWithCause = new CompletionException(NO_ROW);
        assertSame(wrappedWithCause, FailedAttempt.of(FIVE, 1, wrappedWithCause).stackTrace(),
                "with a cause, the whole chain as thrown");
    }

    static Stream<Arguments> wrappers() {
        return Stream.of(
                Arguments.of("itself", NO_ADDRESS, NO_ADDRESS),
                Arguments.of("CompletionException", new CompletionException(NO_ADDRESS), NO_ADDRESS),
                Arguments.of("UndeclaredThrowableException", new UndeclaredThrowableException(NO_ADDRESS),
                        NO_ADDRESS),
                Arguments.of("InvocationTargetException", new InvocationTargetException(NO_ADDRESS), NO_ADDRESS),
                Arguments.of("two deep", new RuntimeException(new CompletionException(NO_ROW)), NO_ROW),
                Arguments.of("the first of two", new RuntimeException(OUTER), OUTER),
                Arguments.of("none", new RuntimeException(BOOM), null),
                Arguments.of("null", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void a_non_retryable_exception_is_found_in_the_chain_of_causes(String what, Throwable error,
                                                                     NonRetryableException expected) {
        assertSame(expected, NonRetryableException.in(error));
    }

    @Test
    void a_cycle_of_causes_or_a_throwing_getCause_ends_the_look() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertNull(NonRetryableException.in(a), "a cycle without one");
        RuntimeException c = new RuntimeException("c", NO_ADDRESS);
        RuntimeException d = new RuntimeException("d", c);
        c.addSuppressed(d); // not a cause: suppressed exceptions are not looked at
        assertSame(NO_ADDRESS, NonRetryableException.in(d));
        RuntimeException throwing = new RuntimeException("user code") {
            @Override
            public synchronized Throwable getCause() {
                throw new IllegalStateException("getCause");
            }
        };
        assertNull(NonRetryableException.in(throwing));
        Throwable deep = NO_ADDRESS;
        for (int i = 0; i < NonRetryableException.MAX_DEPTH; i++) {
            deep = new RuntimeException(deep);
        }
        assertNull(NonRetryableException.in(deep), "deeper than any chain written on purpose");
    }

    // ---- the lines a real attempt writes

    @TempDir
    Path dir;

    @Test
    void a_retried_attempt_logs_one_line_and_the_last_one_its_stack_trace() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofSeconds(1), 2));
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build());
             ManualForeman foreman = Foreman.builder(queue).listener(recorder)
                     .handle(flaky, (a, ctx) -> {
                         throw new IllegalStateException("attempt " + ctx.attempt());
                     })
                     .handle(ECHO, a -> {
                         throw a.n() == 1 ? new NonRetryableException("no address")
                                 : new NonRetryableException("no row", new IllegalStateException("404"));
                     })
                     .startManual();
             CapturedErr err = new CapturedErr()) {
            long id = queue.enqueue(flaky, new Echo(1));
            assertEquals(1, foreman.runPending());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(1, foreman.runPending());
            long noAddress = queue.enqueue(ECHO, new Echo(1));
            long noRow = queue.enqueue(ECHO, new Echo(2));
            assertEquals(2, foreman.runPending());

            Instant next = ((TaskEvent.Retrying) recorder.taskEvents.get(0)).nextAttemptAt();
            List<String> retry = err.record("Task " + id + " (flaky) attempt 1 of 2 failed");
            assertEquals(1, retry.size(), "one line, no stack trace: " + retry);
            assertTrue(retry.get(0).contains(" WARN dev.dbmq.TaskRunner - Task " + id + " (flaky) attempt 1 of 2"
                    + " failed: java.lang.IllegalStateException: attempt 1; attempt 2 at " + next), retry.get(0));

            List<String> last = err.record("Task " + id + " (flaky) failed on its last attempt (2 of 2)");
            assertTrue(last.size() > 2, "a line and a stack trace: " + last);
            assertTrue(last.get(0).contains(" ERROR dev.dbmq.TaskRunner - "), last.get(0));
            assertEquals("java.lang.IllegalStateException: attempt 2", last.get(1), "the stack trace: " + last);
            assertTrue(last.get(2).startsWith("\tat "), last.toString());

            List<String> permanent = err.record("Task " + noAddress + " (echo) attempt 1 of 1 failed permanently");
            assertEquals(1, permanent.size(), "no stack trace without a cause: " + permanent);
            assertTrue(permanent.get(0).contains(" WARN dev.dbmq.TaskRunner - Task " + noAddress + " (echo) attempt 1"
                    + " of 1 failed permanently: dev.dbmq.NonRetryableException: no address;"), permanent.get(0));

            List<String> withCause = err.record("Task " + noRow + " (echo) attempt 1 of 1 failed permanently");
            assertTrue(withCause.get(0).contains(" WARN "), withCause.get(0));
            assertTrue(withCause.contains("Caused by: java.lang.IllegalStateException: 404"),
                    "the cause's stack trace: " + withCause);
        }
    }
}
