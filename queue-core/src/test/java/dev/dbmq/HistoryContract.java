package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.FinishedAttempt.Outcome;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.HistoryStore;
import dev.dbmq.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The history of finished attempts and the counts per minute, whatever the database: {@link SqliteHistoryTest},
 * {@link PostgresHistoryTest}. A {@link ManualForeman} on a {@link SettableClock} writes them when its run ends.
 */
abstract class HistoryContract extends ClosesAfterEach {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    final SettableClock clock = new SettableClock(T0);

    /** A new, empty queue: on {@code clock} when it is not null, with this history retention. */
    abstract QueueSettings.Builder settings();

    TaskQueue queue(Duration history) {
        return closing(TaskQueue.open(settings().clock(clock).history(history).build()));
    }

    static List<String> outcomes(List<FinishedAttempt> attempts) {
        return attempts.stream().map(a -> a.attempt() + " " + a.outcome()).toList();
    }

    @Test
    void each_attempt_of_a_task_is_kept_with_its_outcome_times_and_error() throws Exception {
        TaskQueue queue = queue(Duration.ofDays(1));
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMinutes(1), 3));
        Task<Echo> sleepy = Task.of("sleepy", Echo.class);
        ManualForeman foreman = closing(Foreman.builder(queue)
                .handle(flaky, (a, ctx) -> {
                    long until = System.nanoTime() + 20_000_000; // runs for at least 20 ms
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    if (ctx.attempt() < a.n()) {
                        throw new IllegalStateException("upstream timeout on attempt " + ctx.attempt());
                    }
                })
                .handle(sleepy, (a, ctx) -> {
                    if (ctx.attempt() == 1 && !ctx.scheduledAt().isAfter(ctx.enqueuedAt())) {
                        ctx.snooze(Duration.ofMinutes(5));
                    }
                })
                .handle(ECHO, a -> { })
                .startManual());
        long retried = queue.enqueue(flaky, new Echo(2)); // fails once, then succeeds
        long failed = queue.enqueue(flaky, new Echo(9)); // fails all 3 attempts
        long snoozed = queue.enqueue(sleepy, new Echo(0));
        for (int minute = 0; minute < 3; minute++) {
            foreman.runPending();
            clock.advance(Duration.ofMinutes(5));
        }

        List<FinishedAttempt> first = queue.history(retried);
        assertEquals(List.of("1 RETRIED", "2 SUCCEEDED"), outcomes(first));
        FinishedAttempt a1 = first.get(0);
        assertEquals("flaky", a1.taskName());
        assertEquals(T0, a1.enqueuedAt());
        assertEquals(T0, a1.startedAt());
        assertTrue(a1.took().toMillis() >= 20 && a1.took().toMillis() < 60_000, "took " + a1.took());
        assertEquals(Optional.of("java.lang.IllegalStateException: upstream timeout on attempt 1"), a1.error());
        assertTrue(a1.foremanId().isPresent());
        assertEquals(Optional.empty(), first.get(1).error());
        assertEquals(List.of("1 RETRIED", "2 RETRIED", "3 FAILED"), outcomes(queue.history(failed)));
        assertEquals(List.of("1 SNOOZED", "1 SUCCEEDED"), outcomes(queue.history(snoozed)));
        assertEquals(List.of(), queue.history(12345));

        List<FinishedAttempt> newest = queue.recentHistory(3);
        assertEquals(3, newest.size());
        assertTrue(newest.get(0).finishedAt().compareTo(newest.get(2).finishedAt()) >= 0, "newest first");
        assertEquals(5, queue.recentHistory("flaky", 100).size());
        assertEquals(2, queue.recentHistory("sleepy", 100).size());
        assertThrows(IllegalArgumentException.class, () -> queue.recentHistory(0));
    }

    @Test
    void a_task_that_cannot_run_is_in_the_history_as_failed_with_its_reason() throws Exception {
        TaskQueue queue = queue(Duration.ofDays(1));
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { }).startManual());
        long bad = queue.database().autocommit(dsl -> dev.dbmq.internal.TaskStore.insert(dsl, "echo", "{\"n\":\"x\"}",
                null, T0.toEpochMilli(), 0, 1));
        foreman.runPending();
        List<FinishedAttempt> history = queue.history(bad);
        assertEquals(List.of("1 FAILED"), outcomes(history));
        assertTrue(history.get(0).error().orElseThrow().contains("args"), history.get(0).error().toString());
    }

    @Test
    void a_queue_without_history_keeps_none_but_still_counts_per_minute() throws Exception {
        TaskQueue queue = queue(Duration.ZERO);
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { }).startManual());
        queue.enqueue(ECHO, new Echo(1));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of(), queue.recentHistory(10));
        assertEquals(List.of(new MinuteCount("echo", T0, 1, 0)), queue.countsPerMinute(Duration.ofHours(1)));
    }

    @Test
    void counts_per_minute_add_up_per_name_and_minute_over_the_window() throws Exception {
        TaskQueue queue = queue(Duration.ofDays(1));
        Task<Echo> boom = Task.of("boom", Echo.class);
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { })
                .handle(boom, a -> {
                    throw new IllegalStateException("no");
                }).startManual());
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i <= minute; i++) {
                queue.enqueue(ECHO, new Echo(i));
            }
            queue.enqueue(boom, new Echo(minute));
            foreman.runPending();
            clock.advance(Duration.ofMinutes(1));
        }
        foreman.runPending();
        assertEquals(List.of(
                new MinuteCount("boom", T0, 0, 1),
                new MinuteCount("boom", T0.plusSeconds(60), 0, 1),
                new MinuteCount("boom", T0.plusSeconds(120), 0, 1),
                new MinuteCount("echo", T0, 1, 0),
                new MinuteCount("echo", T0.plusSeconds(60), 2, 0),
                new MinuteCount("echo", T0.plusSeconds(120), 3, 0)), queue.countsPerMinute(Duration.ofHours(1)));
        assertEquals(List.of(new MinuteCount("boom", T0.plusSeconds(120), 0, 1),
                        new MinuteCount("echo", T0.plusSeconds(120), 3, 0)),
                queue.countsPerMinute(Duration.ofMinutes(1)), "the last minute: 12:02, now being 12:03");
        assertThrows(IllegalArgumentException.class, () -> queue.countsPerMinute(Duration.ofDays(2)));
    }

    /**
     * 2,500 entries past the retention and 10 within it: a round of pruning deletes the 2,500 in three batches (each
     * at most a thousand rows) and keeps the 10; a round with nothing to prune deletes nothing.
     */
    @Test
    void pruning_deletes_what_is_past_the_retention_in_batches_and_keeps_the_rest() throws Exception {
        TaskQueue queue = queue(Duration.ofHours(1));
        List<HistoryStore.Entry> entries = new ArrayList<>();
        long old = T0.minus(Duration.ofHours(2)).toEpochMilli();
        for (int i = 0; i < 2500; i++) {
            entries.add(new HistoryStore.Entry(i, "echo", 1, "SUCCEEDED", old, old, old + i, "f", null));
        }
        for (int i = 0; i < 10; i++) {
            long recent = T0.minus(Duration.ofMinutes(30)).toEpochMilli();
            entries.add(new HistoryStore.Entry(10_000 + i, "echo", 1, "SUCCEEDED", recent, recent, recent, "f", null));
        }
        queue.database().transaction(dsl -> {
            HistoryStore.insert(dsl, entries);
            return null;
        });
        HistoryPruning pruning = new HistoryPruning(queue.database(), clock, queue.settings().history());

        assertEquals(2500, pruning.run());
        assertEquals(10, queue.recentHistory(100).size());
        assertEquals(0, pruning.run());
        clock.advance(Duration.ofMinutes(31));
        assertEquals(10, pruning.run(), "now past the retention too");
        assertEquals(List.of(), queue.recentHistory(100));
    }

    @Test
    void a_running_foreman_writes_the_history_within_about_a_second() throws Exception {
        TaskQueue queue = closing(TaskQueue.open(settings().build()));
        closing(Foreman.builder(queue).handle(ECHO, a -> { }).pollInterval(ForemanContract.NO_POLL).start());
        long id = queue.enqueue(ECHO, new Echo(1));
        new Recorder().await(() -> !queue.history(id).isEmpty(), "the history entry of task " + id);
        assertEquals(List.of("1 SUCCEEDED"), outcomes(queue.history(id)));
    }
}
