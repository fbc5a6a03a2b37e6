package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import dev.dbmq.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Run-at, unique keys, cancel, lookups, retries and recurring schedules, whatever the database:
 * {@link SqliteSchedulingTest}, {@link PostgresSchedulingTest}. Tests that step time use a {@link SettableClock} and a
 * {@link ManualForeman}; those with a started foreman use the system clock and wait on latches, never on sleeps.
 */
abstract class SchedulingContract extends ClosesAfterEach {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final SettableClock clock = new SettableClock(T0);

    /** A new, empty queue on the system clock, or on {@code clock} when given. */
    abstract TaskQueue openQueue(SettableClock clock) throws Exception;

    /** Another queue on {@code queue}'s database, as another process would open it, on {@code clock}. */
    abstract TaskQueue reopen(TaskQueue queue, SettableClock clock) throws Exception;

    TaskQueue steppedQueue() throws Exception {
        return closing(openQueue(clock));
    }

    @Test
    void claims_take_tasks_due_at_once_in_enqueue_order_then_due_tasks_oldest_due_first() throws Exception {
        TaskQueue queue = steppedQueue();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).startManual());
        queue.enqueue(ECHO, new Echo(30), Enqueue.after(Duration.ofSeconds(30)));
        queue.enqueue(ECHO, new Echo(10), Enqueue.at(T0.plusSeconds(10)));
        queue.enqueue(ECHO, new Echo(20), Enqueue.after(Duration.ofSeconds(20)));
        queue.enqueue(ECHO, new Echo(0));
        queue.enqueue(ECHO, new Echo(-5), Enqueue.at(T0.minusSeconds(5))); // an instant in the past: due

        assertEquals(2, foreman.runPending());
        assertEquals(List.of(0, -5), ran, "due at once (no clock in it) first, then by due time");
        clock.set(T0.plusSeconds(10).minusMillis(1));
        assertEquals(0, foreman.runPending(), "not before its instant");
        clock.advance(Duration.ofSeconds(15)); // T0 + 25 s - 1 ms
        assertEquals(2, foreman.runPending());
        assertEquals(List.of(0, -5, 10, 20), ran);
        assertEquals(1, queue.pending());
        clock.set(T0.plusSeconds(30));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of(0, -5, 10, 20, 30), ran);
    }

    /**
     * The wall clock set back by ten minutes (an NTP step, a VM resumed from a snapshot): tasks due at once carry no
     * clock reading, so they are due for every process, also one started after the step, in enqueue order, and the
     * stats count them as due.
     */
    @Test
    void a_clock_stepped_back_strands_no_task_due_at_once_in_any_process_and_keeps_their_order() throws Exception {
        TaskQueue queue = steppedQueue();
        for (int i = 0; i < 150; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        clock.set(T0.minus(Duration.ofMinutes(10)));
        TaskQueue restarted = closing(reopen(queue, clock)); // read the clock first after the step: no offset
        restarted.enqueue(ECHO, new Echo(150));
        QueueStats stats = restarted.stats();
        assertEquals(151, stats.due(), "every task due at once is due: " + stats);
        assertEquals(0, stats.scheduled());
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(restarted).handle(ECHO, a -> ran.add(a.n())).startManual());
        assertEquals(151, foreman.runPending());
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i <= 150; i++) {
            inOrder.add(i);
        }
        assertEquals(inOrder, ran, "enqueue order, the task written after the step last");
    }

    /**
     * A retry's backoff and a recurring tick written before the clock was set back come due as if it had not been:
     * in the process that lived through the step, time goes on from where it was, by the time that passed.
     */
    @Test
    void a_clock_stepped_back_delays_no_retry_and_no_recurring_tick_by_the_step() throws Exception {
        TaskQueue queue = steppedQueue();
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(300), 3));
        List<String> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue)
                .handle(flaky, (a, ctx) -> {
                    ran.add("flaky " + ctx.attempt());
                    if (ctx.attempt() == 1) {
                        throw new IllegalStateException("first attempt");
                    }
                })
                .handle(ECHO, a -> ran.add("tick"))
                .recurring("heartbeat", Schedule.every(Duration.ofMillis(800)), ECHO, new Echo(0)).startManual());
        queue.enqueue(flaky, new Echo(1));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of("flaky 1"), ran, "its retry is due at T0 + 300 ms, the tick at T0 + 800 ms");
        clock.set(T0.minus(Duration.ofMinutes(10)));
        assertEquals(0, foreman.runPending(), "nothing is due the moment the clock steps back");
        clock.advance(Duration.ofMillis(500)); // 500 ms pass after the step
        assertEquals(1, foreman.runPending());
        assertEquals(List.of("flaky 1", "flaky 2"), ran, "the retry, 500 ms after its attempt failed");
        clock.advance(Duration.ofMillis(400));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of("flaky 1", "flaky 2", "tick"), ran, "the tick, 900 ms after start");
    }

    @Test
    void a_sub_millisecond_instant_is_rounded_up_never_run_early() throws Exception {
        TaskQueue queue = steppedQueue();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { }).startManual());
        queue.enqueue(ECHO, new Echo(1), Enqueue.at(T0.plusNanos(1)));
        assertEquals(0, foreman.runPending(), "due at T0 + 1 ns: not at T0");
        clock.advance(Duration.ofMillis(1));
        assertEquals(1, foreman.runPending());
    }

    @Test
    void the_handler_sees_its_id_attempt_and_times() throws Exception {
        TaskQueue queue = steppedQueue();
        List<TaskContext> seen = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, (a, ctx) -> seen.add(ctx)).startManual());
        long id = queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(7));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of(attempt(id, 1, T0.plusSeconds(300), T0)), seen.stream().map(SchedulingContract::attempt)
                .toList());
    }

    @Test
    void a_started_foreman_sleeps_until_the_due_time_and_runs_the_task_then() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        CountDownLatch ran = new CountDownLatch(1);
        Instant[] startedAt = new Instant[1];
        closing(Foreman.builder(queue).pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false)
                .handle(ECHO, a -> {
                    startedAt[0] = Instant.now();
                    ran.countDown();
                }).start());
        Instant due = Instant.now().plusMillis(300);
        queue.enqueue(ECHO, new Echo(1), Enqueue.at(due));
        assertTrue(ran.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "ran without a poll: slept until due");
        assertFalse(startedAt[0].isBefore(due), "started at " + startedAt[0] + ", not before " + due);
    }

    @Test
    void a_task_due_earlier_than_the_one_the_foreman_sleeps_for_wakes_it() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        CountDownLatch ran = new CountDownLatch(1);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder();
        closing(Foreman.builder(queue).pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false).listener(recorder)
                .handle(ECHO, a -> {
                    seen.add(a.n());
                    ran.countDown();
                }).start());
        recorder.awaitIdleAfter(0);
        queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofHours(1)));
        recorder.awaitIdleAfter(1); // it has read the hour-later due time and sleeps for it
        queue.enqueue(ECHO, new Echo(2), Enqueue.after(Duration.ofMillis(100)));
        assertTrue(ran.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(2), seen);
        QueueStats stats = queue.stats();
        assertEquals(1, stats.scheduled());
        assertEquals(0, stats.due());
    }

    @Test
    void a_key_is_unique_among_pending_tasks_and_free_once_claimed_or_cancelled() throws Exception {
        TaskQueue queue = steppedQueue();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).startManual());
        long first = queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofMinutes(1)).key("digest:42"));
        assertEquals(first, queue.enqueue(ECHO, new Echo(2), Enqueue.now().key("digest:42")),
                "the pending task's id; nothing written");
        assertEquals(1, queue.pending());
        long other = queue.enqueue(ECHO, new Echo(3), Enqueue.now().key("digest:43"));
        assertTrue(other != first);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(2, foreman.runPending());
        assertEquals(Set.of(1, 3), Set.copyOf(ran), "the first args, not the duplicate's");

        long again = queue.enqueue(ECHO, new Echo(4), Enqueue.now().key("digest:42"));
        assertTrue(again > first, "free once claimed: a new task");
        assertTrue(queue.cancel(again));
        long afterCancel = queue.enqueue(ECHO, new Echo(5), Enqueue.now().key("digest:42"));
        assertTrue(afterCancel > again, "free once cancelled");
    }

    @Test
    void sixteen_producers_of_one_key_write_one_row() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        int producers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race:" + round;
                CyclicBarrier start = new CyclicBarrier(producers);
                List<Future<Long>> ids = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    int n = p;
                    ids.add(pool.submit(() -> {
                        start.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        return queue.enqueue(ECHO, new Echo(n), Enqueue.after(Duration.ofHours(1)).key(key));
                    }));
                }
                Set<Long> distinct = ConcurrentHashMap.newKeySet();
                for (Future<Long> f : ids) {
                    distinct.add(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                }
                assertEquals(1, distinct.size(), "round " + round + ": one id for all: " + distinct);
                assertEquals(round + 1, queue.pending(), "round " + round + ": one row per key");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancel_removes_a_pending_task_and_says_false_for_anything_else() throws Exception {
        TaskQueue queue = steppedQueue();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).startManual());
        long later = queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofMinutes(1)));
        long now = queue.enqueue(ECHO, new Echo(2));
        assertTrue(queue.cancel(later));
        assertFalse(queue.cancel(later), "already cancelled");
        assertEquals(1, foreman.runPending());
        assertFalse(queue.cancel(now), "it ran");
        assertFalse(queue.cancel(123_456_789L), "never existed");
        clock.advance(Duration.ofHours(1));
        assertEquals(0, foreman.runPending());
        assertEquals(List.of(2), ran);
    }

    /**
     * Cancels race with claims: a cancel that finds the task pending deletes it, so it never runs; one that comes after
     * the claim finds its record and asks it to stop (true as well), and these handlers return before they would see
     * it, so they ran. None lost, none run twice, each cancel that found nothing is one of a task that ran.
     */
    @Test
    void cancel_races_with_claims_cleanly_every_task_ran_once_or_was_cancelled() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        int n = 2000;
        List<Echo> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            args.add(new Echo(i));
        }
        Set<Long> ran = ConcurrentHashMap.newKeySet();
        List<Long> ranTwice = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder();
        List<Long> ids = queue.enqueueAll(ECHO, args);
        closing(Foreman.builder(queue).pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false).listener(recorder)
                .handle(ECHO, (a, ctx) -> {
                    if (!ran.add(ctx.id())) {
                        ranTwice.add(ctx.id());
                    }
                }).start());
        Set<Long> cancelled = ConcurrentHashMap.newKeySet();
        List<Long> reversed = new ArrayList<>(ids);
        Collections.reverse(reversed); // meet the foreman in the middle
        for (long id : reversed) {
            if (queue.cancel(id)) {
                cancelled.add(id);
            }
        }
        recorder.await(() -> ids.stream().allMatch(id -> ran.contains(id) || cancelled.contains(id)),
                "every task to have run or been cancelled");
        assertEquals(0, queue.pending(), "nothing left: a task cancelled while pending is gone");
        assertEquals(List.of(), ranTwice);
        assertEquals(ran.size(), recorder.count("succeeded"), "each ran once");
        assertTrue(cancelled.size() + ran.size() >= n, "none lost");
    }

    @Test
    void a_failing_task_is_retried_with_backoff_then_kept_with_its_attempts() throws Exception {
        TaskQueue queue = steppedQueue();
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.exponential(Duration.ofSeconds(10), 3));
        List<TaskContext> attempts = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder();
        ManualForeman foreman = closing(Foreman.builder(queue).listener(recorder).handle(flaky, (a, ctx) -> {
            attempts.add(ctx);
            throw new IllegalStateException("attempt " + ctx.attempt());
        }).startManual());
        long id = queue.enqueue(flaky, new Echo(1));

        assertEquals(1, foreman.runPending());
        assertEquals(1, queue.pending(), "attempt 2 is queued");
        QueueStats stats = queue.stats();
        assertEquals(1, stats.retrying());
        assertEquals(1, stats.scheduled());
        assertEquals(0, stats.failedKept(), "not kept while attempts remain");
        Instant second = stats.nextDueAt().orElseThrow();
        assertBetween(T0.plusMillis(9_000), second, T0.plusMillis(11_000), "first backoff about 10 s");

        clock.set(second.minusMillis(1));
        assertEquals(0, foreman.runPending(), "not before its backoff");
        clock.set(second);
        assertEquals(1, foreman.runPending());
        Instant third = queue.stats().nextDueAt().orElseThrow();
        assertBetween(second.plusMillis(18_000), third, second.plusMillis(22_000), "second backoff about 20 s");
        clock.set(third);
        assertEquals(1, foreman.runPending());

        assertEquals(0, queue.pending(), "the last attempt is not retried");
        assertEquals(List.of(attempt(id, 1, T0, T0), attempt(id, 2, second, T0), attempt(id, 3, third, T0)),
                attempts.stream().map(SchedulingContract::attempt).toList(),
                "one id, attempts 1-3, each due time, one enqueue");
        List<FailedTask> failed = queue.failedTasks(10);
        assertEquals(1, failed.size());
        assertEquals(id, failed.get(0).id());
        assertEquals(3, failed.get(0).attempts());
        assertTrue(failed.get(0).reason().contains("attempt 3"), failed.get(0).reason());
        assertEquals(2, recorder.count("retrying"));
        assertEquals(1, recorder.count("failed"));
        assertEquals(List.of("Retrying 1", "Retrying 2", "Failed 3 false"), recorder.taskEvents.stream()
                .map(e -> e.getClass().getSimpleName() + " " + e.attempt()
                        + (e instanceof TaskEvent.Failed f ? " " + f.retriesLeft() : "")).toList(),
                "the last attempt leaves no retries");
        assertEquals(Map.of("flaky", new QueueStats.TaskCounts(0, 1)), queue.stats().counts(),
                "one failed task, not one per attempt");
    }

    /**
     * A handler that throws a NonRetryableException, itself or as the cause of what it throws, has its task kept as
     * failed at once, whatever attempts its Retry has left, with a reason that says so; the listener hears of a
     * failure with retries left.
     */
    @Test
    void a_task_whose_handler_throws_a_non_retryable_exception_runs_once_and_is_kept_as_failed() throws Exception {
        TaskQueue queue = steppedQueue();
        Task<Echo> picky = Task.of("picky", Echo.class).retry(Retry.fixed(Duration.ofSeconds(1), 5));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder();
        ManualForeman foreman = closing(Foreman.builder(queue).listener(recorder).handle(picky, a -> {
            ran.add(a.n());
            NonRetryableException permanent = new NonRetryableException("no address for " + a.n());
            throw a.n() == 1 ? permanent : new RuntimeException("wrapped by a framework", permanent);
        }).startManual());
        long direct = queue.enqueue(picky, new Echo(1));
        long wrapped = queue.enqueue(picky, new Echo(2));

        assertEquals(2, foreman.runPending());
        assertEquals(0, queue.pending(), "no next attempt was written");
        clock.advance(Duration.ofHours(1));
        assertEquals(0, foreman.runPending());
        assertEquals(List.of(1, 2), ran, "each ran once");
        Map<Long, FailedTask> failed = new java.util.HashMap<>();
        queue.failedTasks(10).forEach(f -> failed.put(f.id(), f));
        assertEquals(Set.of(direct, wrapped), failed.keySet());
        assertEquals("handler threw dev.dbmq.NonRetryableException: no address for 1; declared permanent, not"
                + " retried (attempt 1 of 5)", failed.get(direct).reason());
        assertEquals("handler threw dev.dbmq.NonRetryableException: no address for 2 (in a java.lang.RuntimeException);"
                + " declared permanent, not retried (attempt 1 of 5)", failed.get(wrapped).reason());
        assertEquals(1, failed.get(direct).attempts());
        assertEquals(1, failed.get(wrapped).attempts());
        assertEquals(0, recorder.count("retrying"));
        assertEquals(List.of(direct + " attempt 1, retries left true", wrapped + " attempt 1, retries left true"),
                recorder.taskEvents.stream().map(e -> (TaskEvent.Failed) e)
                        .map(e -> e.taskId() + " attempt " + e.attempt() + ", retries left " + e.retriesLeft())
                        .toList());
        assertEquals(Map.of("picky", new QueueStats.TaskCounts(0, 2)), queue.stats().counts());
    }

    @Test
    void a_retried_task_that_succeeds_is_done_and_not_kept() throws Exception {
        TaskQueue queue = steppedQueue();
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofSeconds(1), 5));
        ManualForeman foreman = closing(Foreman.builder(queue).handle(flaky, (a, ctx) -> {
            if (ctx.attempt() < 3) {
                throw new IllegalStateException("not yet");
            }
        }).startManual());
        queue.enqueue(flaky, new Echo(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(1, foreman.runPending(), "attempt " + (i + 1));
            clock.advance(Duration.ofSeconds(2));
        }
        assertEquals(0, foreman.runPending());
        assertEquals(0, queue.pending());
        assertEquals(0, queue.stats().failedKept());
        assertEquals(Map.of("flaky", new QueueStats.TaskCounts(1, 0)), queue.stats().counts());
    }

    @Test
    void a_started_foreman_retries_after_the_backoff_without_a_poll() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(50), 3));
        Recorder recorder = new Recorder();
        closing(Foreman.builder(queue).pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false).listener(recorder)
                .handle(flaky, a -> {
                    throw new IllegalStateException("always");
                }).start());
        queue.enqueue(flaky, new Echo(1));
        recorder.awaitCount("failed", 1);
        assertEquals(2, recorder.count("retrying"));
        assertEquals(3, recorder.count("started"));
        assertEquals(3, queue.failedTasks(1).get(0).attempts());
    }

    @Test
    void stats_count_due_scheduled_and_retrying_tasks_and_the_next_due_time() throws Exception {
        TaskQueue queue = steppedQueue();
        assertEquals(Optional.empty(), queue.stats().nextDueAt());
        queue.enqueue(ECHO, new Echo(1));
        queue.enqueue(ECHO, new Echo(2), Enqueue.after(Duration.ofMinutes(2)));
        queue.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofMinutes(1)));
        clock.advance(Duration.ofSeconds(30));
        QueueStats stats = queue.stats();
        assertEquals(3, stats.pending());
        assertEquals(1, stats.due());
        assertEquals(2, stats.scheduled());
        assertEquals(0, stats.retrying());
        assertEquals(Optional.of(T0.plusSeconds(60)), stats.nextDueAt());
        assertEquals(Duration.ofSeconds(30), stats.oldestTaskAge(), "the due task, 30 s past its due time");
    }

    @Test
    void a_recurring_schedule_runs_each_tick_once_and_runs_missed_ticks_once() throws Exception {
        TaskQueue queue = steppedQueue();
        List<TaskContext> ticks = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, (a, ctx) -> ticks.add(ctx))
                .recurring("heartbeat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(7)).startManual());
        assertEquals(1, queue.pending(), "the first instance");
        assertEquals(Optional.of(T0.plusSeconds(60)), queue.stats().nextDueAt());
        assertEquals(0, foreman.runPending());
        clock.set(T0.plusSeconds(60));
        assertEquals(1, foreman.runPending());
        assertEquals(1, queue.pending(), "the next instance, written by the claim");
        assertEquals(Optional.of(T0.plusSeconds(120)), queue.stats().nextDueAt());
        clock.set(T0.plusSeconds(630)); // everything was down for 8.5 ticks
        assertEquals(1, foreman.runPending(), "missed ticks run once");
        assertEquals(0, foreman.runPending());
        assertEquals(Optional.of(T0.plusSeconds(660)), queue.stats().nextDueAt(), "the next tick on the grid");
        assertEquals(List.of(T0.plusSeconds(60), T0.plusSeconds(120)),
                ticks.stream().map(TaskContext::scheduledAt).toList());
        assertEquals(2, ticks.stream().map(TaskContext::id).distinct().count(), "each instance is a task of its own");
    }

    @Test
    void a_foreman_starting_again_keeps_one_instance_and_applies_a_changed_schedule() throws Exception {
        TaskQueue queue = steppedQueue();
        Schedule nightly = Schedule.cron("0 3 * * *", java.time.ZoneId.of("Europe/Amsterdam"));
        Foreman.builder(queue).handle(ECHO, a -> { }).recurring("report", nightly, ECHO, new Echo(1)).startManual()
                .close();
        // 2026-12-01 12:00 UTC is 13:00 in Amsterdam (CET, +01:00): next 03:00 there is 02:00 UTC tomorrow
        Instant tomorrow0300 = Instant.parse("2026-12-02T02:00:00Z");
        assertEquals(Optional.of(tomorrow0300), queue.stats().nextDueAt());
        clock.advance(Duration.ofHours(1));
        Foreman.builder(queue).handle(ECHO, a -> { }).recurring("report", nightly, ECHO, new Echo(1)).startManual()
                .close();
        assertEquals(1, queue.pending(), "idempotent");
        assertEquals(Optional.of(tomorrow0300), queue.stats().nextDueAt(), "left alone");

        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman changed = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n()))
                .recurring("report", Schedule.every(Duration.ofMinutes(10)), ECHO, new Echo(2)).startManual());
        assertEquals(1, queue.pending());
        assertEquals(Optional.of(T0.plusSeconds(3600 + 600)), queue.stats().nextDueAt(), "the new schedule, from now");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(1, changed.runPending());
        assertEquals(List.of(2), ran, "the new args");
    }

    @Test
    void a_start_logs_a_change_it_wrote_once_from_what_it_replaced_and_nothing_when_nothing_changed() throws Exception {
        TaskQueue queue = steppedQueue();
        Schedule minute = Schedule.every(Duration.ofMinutes(1));
        String line = "INFO dev.dbmq.RecurringTasks - Recurring beat:";
        Foreman.builder(queue).handle(ECHO, a -> { }).recurring("beat", minute, ECHO, new Echo(1)).startManual()
                .close();
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { }).recurring("beat", minute, ECHO, new Echo(1)).startManual()
                    .close();
            assertEquals(List.of(), err.lines(line), "the same registration: nothing written, nothing logged");
        }
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { }).recurring("beat", minute, ECHO, new Echo(2)).startManual()
                    .close();
            List<String> logged = err.lines(line);
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("now runs echo on every PT1M with new args (was echo on every PT1M),"
                    + " due " + T0.plusSeconds(60)), logged.get(0));
        }
        clock.advance(Duration.ofSeconds(10));
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { })
                    .recurring("beat", Schedule.every(Duration.ofMinutes(2)), ECHO, new Echo(2)).startManual().close();
            List<String> logged = err.lines(line);
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("now runs echo on every PT2M (was echo on every PT1M), due "
                    + T0.plusSeconds(130)), logged.get(0));
        }
        assertEquals(1, queue.pending());
        assertEquals(Optional.of(T0.plusSeconds(130)), queue.stats().nextDueAt(), "the new schedule, from now");
    }

    @Test
    void a_cancelled_recurring_instance_stops_the_schedule_until_a_foreman_starts_with_it() throws Exception {
        TaskQueue queue = steppedQueue();
        Foreman.Builder builder = Foreman.builder(queue).handle(ECHO, a -> { })
                .recurring("heartbeat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(7));
        ManualForeman foreman = builder.startManual();
        long instance = onlyPendingId(queue);
        assertTrue(queue.cancel(instance));
        clock.advance(Duration.ofHours(1));
        assertEquals(0, foreman.runPending());
        foreman.close();
        closing(builder.startManual());
        assertEquals(1, queue.pending(), "written again at start");
    }

    @Test
    void a_started_foreman_runs_a_recurring_schedule_without_a_poll() throws Exception {
        TaskQueue queue = closing(openQueue(null));
        List<Instant> ticks = new CopyOnWriteArrayList<>();
        CountDownLatch five = new CountDownLatch(5);
        closing(Foreman.builder(queue).pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false)
                .handle(ECHO, (a, ctx) -> {
                    ticks.add(ctx.scheduledAt());
                    five.countDown();
                })
                .recurring("fast", Schedule.every(Duration.ofMillis(50)), ECHO, new Echo(1)).start());
        assertTrue(five.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "5 ticks: " + ticks);
        List<Instant> seen = List.copyOf(ticks);
        assertEquals(seen.size(), Set.copyOf(seen).size(), "no tick twice: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            long apart = Duration.between(seen.get(i - 1), seen.get(i)).toMillis();
            assertTrue(apart > 0 && apart % 50 == 0, "ticks on the 50 ms grid: " + seen);
        }
    }

    @Test
    void recurring_registrations_are_checked_at_once() throws Exception {
        TaskQueue queue = steppedQueue();
        Foreman.Builder b = Foreman.builder(queue).handle(ECHO, a -> { });
        Schedule every = Schedule.every(Duration.ofMinutes(1));
        assertEquals("recurring name must be 1 to 100 characters of [A-Za-z0-9_.:-], starting with a letter or"
                + " digit, was \"bad name\"", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> b.recurring("bad name", every, ECHO, new Echo(1))).getMessage());
        b.recurring("ok", every, ECHO, new Echo(1));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.recurring("ok", every, ECHO, new Echo(1))).getMessage().contains("already registered"));
        Task<Echo> other = Task.of("other", Echo.class);
        b.recurring("needs-handler", every, other, new Echo(1));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                b::startManual);
        assertTrue(e.getMessage().contains("recurring \"needs-handler\" runs task other"), e.getMessage());
        assertEquals(0, queue.pending(), "nothing written");
    }

    @Test
    void cancelByKey_removes_the_pending_task_holding_the_key_and_says_false_for_anything_else() throws Exception {
        TaskQueue queue = steppedQueue();
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMinutes(1), 2));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n()))
                .handle(flaky, a -> {
                    throw new IllegalStateException("attempt fails");
                }).startManual());
        long reminder = queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofDays(7)).key("trial-reminder:u42"));
        queue.enqueue(ECHO, new Echo(2), Enqueue.after(Duration.ofDays(7)).key("trial-reminder:u43"));
        assertTrue(queue.cancelByKey("trial-reminder:u42"));
        assertFalse(queue.cancelByKey("trial-reminder:u42"), "already cancelled");
        assertFalse(queue.cancel(reminder), "the task holding it is gone");
        assertFalse(queue.cancelByKey("trial-reminder:u44"), "never held");
        assertTrue(queue.enqueue(ECHO, new Echo(3), Enqueue.now().key("trial-reminder:u42")) > reminder,
                "the key is free again");
        assertEquals(1, foreman.runPending());
        assertFalse(queue.cancelByKey("trial-reminder:u42"), "it ran");

        long retried = queue.enqueue(flaky, new Echo(4), Enqueue.now().key("flaky:4"));
        assertEquals(1, foreman.runPending(), "attempt 1 fails; attempt 2 waits for its backoff");
        assertFalse(queue.cancelByKey("flaky:4"), "a retry holds no key");
        assertTrue(queue.cancel(retried), "it is cancelled by its id");

        clock.advance(Duration.ofDays(8));
        assertEquals(1, foreman.runPending());
        assertEquals(List.of(3, 2), ran, "u42's replacement, then u43's reminder; never the cancelled one");
        assertEquals(0, queue.pending());
    }

    @Test
    void cancelByKey_findPendingByKey_and_unschedule_refuse_bad_arguments_by_name() throws Exception {
        TaskQueue queue = steppedQueue();
        queue.enqueue(ECHO, new Echo(1), Enqueue.now().key("k?"));
        assertEquals("key must be 1 to 200 characters, was null", refused(() -> queue.cancelByKey(null)));
        assertEquals("key must be 1 to 200 characters, was 0 characters", refused(() -> queue.cancelByKey("")));
        assertEquals("key must be 1 to 200 characters, was 201 characters",
                refused(() -> queue.findPendingByKey("k".repeat(201))));
        assertEquals("key must be text the database stores as given (no NUL, no half of a surrogate pair), it has an"
                + " unpaired surrogate U+D800 at index 1; nothing was cancelled",
                refused(() -> queue.cancelByKey("k\uD800")), "it would be sent as \"k?\", another task's key");
        assertTrue(refused(() -> queue.findPendingByKey(null)).startsWith("key must be 1 to 200 characters"));
        assertEquals("key must not start with \"dbmq:\" (reserved for recurring schedules: unschedule(scheduleName)"
                + " removes one), was \"dbmq:recurring:beat\"; nothing was cancelled",
                refused(() -> queue.cancelByKey("dbmq:recurring:beat")));
        assertEquals(Optional.empty(), queue.findPendingByKey("dbmq:recurring:beat"), "a read may name one");
        assertEquals("scheduleName must be 1 to 100 characters of [A-Za-z0-9_.:-], starting with a letter or digit,"
                + " was \"nightly digest\"", refused(() -> queue.unschedule("nightly digest")));
        assertEquals("scheduleName must be 1 to 100 characters of [A-Za-z0-9_.:-], starting with a letter or digit,"
                + " was null", refused(() -> queue.unschedule(null)));
        assertEquals(1, queue.pending(), "nothing was deleted");
    }

    @Test
    void findPending_reads_a_task_by_id_or_key_while_it_waits_including_a_retry() throws Exception {
        TaskQueue queue = steppedQueue();
        // 5 ms: under 10 ms a backoff has no jitter
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(5), 2));
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { })
                .handle(flaky, a -> {
                    throw new IllegalStateException("attempt fails");
                }).startManual());
        long atOnce = queue.enqueue(ECHO, new Echo(1));
        long later = queue.enqueue(ECHO, new Echo(2), Enqueue.after(Duration.ofMinutes(5)).key("digest:2"));
        long withMetadata = queue.database().autocommit(dsl -> TaskStore.insertKeyed(dsl, "echo", "{\"n\":3}",
                TaskMetadata.encode(Map.of("trace-id", "t-3")), T0.toEpochMilli(), TaskStore.AT_ONCE, 1, "meta:3")).id();
        long unreadable = queue.database().autocommit(dsl -> TaskStore.insert(dsl, "echo", "{\"n\":4}", "[not a map",
                T0.toEpochMilli(), TaskStore.AT_ONCE, 1));
        clock.advance(Duration.ofMinutes(1));

        assertEquals(Optional.of(new PendingTask(atOnce, "echo", 1, T0, T0, Optional.empty(), Map.of(), "{\"n\":1}", 1)),
                queue.findPending(atOnce), "due at once: due from its enqueue on");
        PendingTask keyed = new PendingTask(later, "echo", 1, T0.plusSeconds(300), T0, Optional.of("digest:2"),
                Map.of(), "{\"n\":2}", 1);
        assertEquals(Optional.of(keyed), queue.findPending(later));
        assertEquals(Optional.of(keyed), queue.findPendingByKey("digest:2"));
        assertEquals(Map.of("trace-id", "t-3"), queue.findPendingByKey("meta:3").orElseThrow().metadata());
        assertEquals(withMetadata, queue.findPendingByKey("meta:3").orElseThrow().id());
        assertEquals(Map.of(), queue.findPending(unreadable).orElseThrow().metadata(), "metadata another tool wrote");
        assertEquals(Optional.empty(), queue.findPendingByKey("digest:3"));
        assertEquals(Optional.empty(), queue.findPending(123_456_789L));

        assertEquals(3, foreman.runPending());
        assertEquals(Optional.empty(), queue.findPending(atOnce), "claimed");
        assertEquals(Optional.of(keyed), queue.findPending(later), "not due yet");

        long retried = queue.enqueue(flaky, new Echo(5), Enqueue.now().key("flaky:5"));
        Instant enqueued = T0.plusSeconds(60);
        assertEquals(1, foreman.runPending());
        assertEquals(Optional.of(new PendingTask(retried, "flaky", 2, enqueued.plusMillis(5), enqueued,
                Optional.empty(), Map.of(), "{\"n\":5}", 1)), queue.findPending(retried),
                "a retry: the same id, attempt 2, due after its backoff, its key freed");
        assertEquals(Optional.empty(), queue.findPendingByKey("flaky:5"));
        assertTrue(queue.cancel(retried));
        assertEquals(Optional.empty(), queue.findPending(retried));
    }

    /**
     * A tick runs (its handler held on a latch) while the schedule is removed: the claim that took it wrote the next
     * instance, and unschedule deleted that one. Time then moves past five more ticks: none runs.
     */
    @Test
    void unschedule_removes_a_schedule_and_no_tick_starts_after_it_returns_even_while_a_tick_runs() throws Exception {
        TaskQueue queue = steppedQueue();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Instant> ticks = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue)
                .handle(ECHO, (a, ctx) -> {
                    ticks.add(ctx.scheduledAt());
                    running.countDown();
                    assertTrue(release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "released");
                })
                .recurring("beat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(1)).startManual());
        clock.set(T0.plusSeconds(60));
        ExecutorService stepper = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> step = stepper.submit(foreman::runPending);
            assertTrue(running.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the tick runs");
            assertEquals(T0.plusSeconds(120), queue.findPendingByKey("dbmq:recurring:beat").orElseThrow().dueAt(),
                    "its claim wrote the next instance");
            assertTrue(queue.unschedule("beat"));
            assertEquals(Optional.empty(), queue.findPendingByKey("dbmq:recurring:beat"));
            release.countDown();
            assertEquals(1, step.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            release.countDown();
            stepper.shutdownNow();
        }
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertEquals(0, foreman.runPending(), "no tick after unschedule, at " + clock.instant());
        }
        assertEquals(List.of(T0.plusSeconds(60)), ticks);
        assertEquals(0, queue.pending());
        assertFalse(queue.unschedule("beat"), "nothing left to remove");
    }

    @Test
    void unschedule_says_false_for_a_schedule_without_an_instance_and_a_foreman_registering_it_writes_it_again()
            throws Exception {
        TaskQueue queue = steppedQueue();
        assertFalse(queue.unschedule("never-registered"));
        Foreman.Builder builder = Foreman.builder(queue).handle(ECHO, a -> { })
                .recurring("beat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(1))
                .recurring("other", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(2));
        builder.startManual().close();
        queue.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofMinutes(1)).key("beat"));
        assertTrue(queue.unschedule("beat"));
        assertEquals(Optional.empty(), queue.findPendingByKey("dbmq:recurring:beat"));
        assertTrue(queue.findPendingByKey("dbmq:recurring:other").isPresent(), "other schedules stay");
        assertTrue(queue.findPendingByKey("beat").isPresent(), "a task keyed by the bare name is not the schedule");
        closing(builder.startManual());
        assertEquals(T0.plusSeconds(60), queue.findPendingByKey("dbmq:recurring:beat").orElseThrow().dueAt(),
                "written again at start");
    }

    /**
     * A deploy dropped a schedule's registration: the instance carries the schedule, so a foreman handling its task
     * runs it and writes the next, and says so once when it starts. Foremen that register it, or don't handle its
     * task, say nothing.
     */
    @Test
    void a_foreman_logs_one_line_for_a_schedule_it_runs_but_does_not_register() throws Exception {
        TaskQueue queue = steppedQueue();
        String line = "INFO dev.dbmq.RecurringTasks - Recurring ";
        Foreman.builder(queue).handle(ECHO, a -> { }).handle(TestTasks.SLOW, a -> { })
                .recurring("beat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(1))
                .recurring("slow-beat", Schedule.every(Duration.ofMinutes(1)), TestTasks.SLOW, new Echo(1))
                .startManual().close();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        try (CapturedErr err = new CapturedErr();
             ManualForeman dropped = Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).startManual()) {
            List<String> logged = err.lines(line);
            assertEquals(1, logged.size(), "one line, for the schedule of the task it handles: " + logged);
            assertTrue(logged.get(0).contains("Recurring beat: pending instance "), logged.get(0));
            assertTrue(logged.get(0).endsWith(" runs echo on every PT1M, due " + T0.plusSeconds(60) + "; this foreman"
                    + " does not register it but handles echo, so the schedule keeps running until"
                    + " TaskQueue.unschedule(\"beat\")"), logged.get(0));
            clock.advance(Duration.ofMinutes(1));
            assertEquals(1, dropped.runPending());
            assertEquals(List.of(1), ran, "it keeps running");
            assertEquals(T0.plusSeconds(120), queue.findPendingByKey("dbmq:recurring:beat").orElseThrow().dueAt());
        }
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { }).handle(TestTasks.SLOW, a -> { })
                    .recurring("beat", Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(1))
                    .recurring("slow-beat", Schedule.every(Duration.ofMinutes(1)), TestTasks.SLOW, new Echo(1))
                    .startManual().close();
            Foreman.builder(queue).handle(TestTasks.BOOM, a -> { }).startManual().close();
            assertEquals(List.of(), err.lines(line), "registered, or of tasks it does not handle");
        }
        assertTrue(queue.unschedule("beat"));
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { }).startManual().close();
            assertEquals(List.of(), err.lines(line), "removed");
        }

        Foreman.Builder many = Foreman.builder(queue).handle(ECHO, a -> { });
        for (int i = 0; i < RecurringTasks.MAX_UNREGISTERED_SHOWN + 2; i++) {
            many.recurring("beat-" + (char) ('a' + i), Schedule.every(Duration.ofMinutes(1)), ECHO, new Echo(i));
        }
        many.startManual().close();
        try (CapturedErr err = new CapturedErr()) {
            Foreman.builder(queue).handle(ECHO, a -> { }).startManual().close();
            List<String> logged = err.lines(line);
            assertEquals(RecurringTasks.MAX_UNREGISTERED_SHOWN, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("Recurring beat-a: "), logged.get(0));
            assertEquals(1, err.lines("… and more recurring schedules that this foreman does not register keep"
                    + " running").size());
        }
    }

    static String refused(org.junit.jupiter.api.function.Executable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    static long onlyPendingId(TaskQueue queue) {
        return queue.database().autocommit(dsl -> dsl.select(dev.dbmq.internal.jooq.Tables.DBMQ_TASK.ID)
                .from(dev.dbmq.internal.jooq.Tables.DBMQ_TASK).fetchSingle().value1());
    }

    static void assertBetween(Instant low, Instant actual, Instant high, String what) {
        assertTrue(!actual.isBefore(low) && !actual.isAfter(high), what + ": " + actual + " not in [" + low + ", "
                + high + "]");
    }

    /** What a test compares of an attempt's context. */
    static String attempt(long id, int attempt, Instant scheduledAt, Instant enqueuedAt) {
        return "task " + id + " attempt " + attempt + " scheduled " + scheduledAt + " enqueued " + enqueuedAt;
    }

    static String attempt(TaskContext ctx) {
        return attempt(ctx.id(), ctx.attempt(), ctx.scheduledAt(), ctx.enqueuedAt());
    }
}
