package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.QueueSettings;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskContext;
import dev.dbmq.testing.TestTaskContext;
import dev.dbmq.TaskQueue;
import dev.dbmq.ManualForeman;
import dev.dbmq.testing.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskTypesTest {

    static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

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
        // the queue's clock stands still, so the retry of event 3's notification stays scheduled
        SettableClock clock = new SettableClock(START);
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build())) {
            queue.enqueueAll(Digest.TASK, List.of(new Digest(1, "info", "a"), new Digest(2, "error", "b"),
                    new Digest(3, "fatal", "c"), new Digest(7, "debug", "d")));
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                assertEquals(4 + 4 + 2, foreman.runPending());
            }
            QueueStats stats = queue.stats();
            assertEquals(new QueueStats.TaskCounts(4, 0), stats.counts().get("digest"));
            assertEquals(new QueueStats.TaskCounts(1, 0), stats.counts().get("notify"), "event 3's is retrying");
            assertEquals(new QueueStats.TaskCounts(3, 1), stats.counts().get("flaky"));
            assertEquals(1, stats.retrying());
            assertEquals(1, stats.scheduled());
            assertEquals(0, stats.due());
        }
    }

    @Test
    void notify_fails_its_first_two_attempts_for_event_ids_divisible_by_3() {
        for (long id = 0; id < 30; id++) {
            assertEquals(id % 3 == 0 ? 2 : 0, new Notify(id, "m").failingAttempts(), "event " + id);
        }
        Notify busy = new Notify(3, "m");
        for (int attempt = 1; attempt <= 2; attempt++) {
            TaskContext context = TestTaskContext.builder().id(1).attempt(attempt).enqueuedAt(START).build();
            Notify.MailServerBusy e = assertThrows(Notify.MailServerBusy.class,
                    () -> Notify.handler().handle(busy, context), "attempt " + attempt);
            assertTrue(e.getMessage().startsWith("mail server busy on attempt " + attempt + " for event 3"),
                    e.getMessage());
        }
        // each success takes the simulated 300 ms of sending: only two of them here
        assertDoesNotThrow(() -> Notify.handler().handle(busy, TestTaskContext.builder().id(1).attempt(3).enqueuedAt(START).build()));
        assertDoesNotThrow(() -> Notify.handler().handle(new Notify(4, "m"), TestTaskContext.builder().id(2).attempt(1).enqueuedAt(START).build()));
        assertEquals(Notify.RETRY, Notify.TASK.retry());
        assertTrue(busy.failingAttempts() < Notify.RETRY.maxAttempts(), "never kept as failed");
    }

    @Test
    void a_notification_that_fails_is_retried_with_exponential_backoff_until_it_succeeds() {
        SettableClock clock = new SettableClock(START);
        RecordingListener recorder = new RecordingListener();
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build());
             ManualForeman foreman = DemoForeman.builder(queue).listener(recorder).startManual()) {
            long retried = queue.enqueue(Notify.TASK, new Notify(3, "disk full"));
            queue.enqueue(Notify.TASK, new Notify(4, "disk full"));
            assertEquals(2, foreman.runPending(), "event 4's succeeds, event 3's first attempt fails");

            QueueStats first = queue.stats();
            assertEquals(List.of(1L, 0L, 1L, 1L),
                    List.of(first.pending(), first.due(), first.scheduled(), first.retrying()));
            Instant second = first.nextDueAt().orElseThrow();
            assertBetween(START.plusMillis(900), START.plusMillis(1100), second, "about 1 s after the failure");
            assertEquals(0, foreman.runPending(), "not due yet");

            clock.advance(Duration.between(clock.instant(), second));
            assertEquals(1, foreman.runPending(), "the second attempt, which fails too");
            Instant third = queue.stats().nextDueAt().orElseThrow();
            assertBetween(second.plusMillis(1800), second.plusMillis(2200), third, "twice the first wait");
            assertEquals(1, queue.stats().retrying());

            clock.advance(Duration.between(clock.instant(), third));
            assertEquals(1, foreman.runPending(), "the third attempt succeeds");
            QueueStats done = queue.stats();
            assertEquals(0, done.pending());
            assertEquals(0, done.retrying());
            assertEquals(Optional.empty(), done.nextDueAt());
            assertEquals(new QueueStats.TaskCounts(2, 0), done.counts().get("notify"), "retries are not failures");
            assertEquals(0, done.failedKept());

            List<RecordingListener.Event> retries = recorder.events(RecordingListener.Kind.RETRYING);
            assertEquals(List.of(retried, retried), retries.stream().map(RecordingListener.Event::taskId).toList(),
                    "the same task id for every attempt");
            assertTrue(retries.get(0).detail().startsWith("attempt 1 threw "), retries.toString());
            assertTrue(retries.get(1).detail().startsWith("attempt 2 threw "), retries.toString());
            assertTrue(retries.get(1).detail().contains("mail server busy on attempt 2 for event 3"),
                    retries.toString());
            assertEquals(0, recorder.count(RecordingListener.Kind.FAILED));
        }
    }

    private static void assertBetween(Instant from, Instant to, Instant actual, String what) {
        assertFalse(actual.isBefore(from) || actual.isAfter(to), what + ": " + actual + " not in [" + from + ", "
                + to + "]");
    }

    @Test
    void a_digest_needs_a_known_level() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Digest(1, "loud", ""));
        assertEquals("level must be one of debug, info, warning, error, fatal; was \"loud\"", e.getMessage());
        assertEquals("", new Digest(1, "info", null).message());
    }
}
