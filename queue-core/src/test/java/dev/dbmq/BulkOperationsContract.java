package dev.dbmq;

import static dev.dbmq.TestTasks.BOOM;
import static dev.dbmq.TestTasks.ECHO;
import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Bulk requeue, delete and cancel, and the filtered listings the console and the CLI read, whatever the database:
 * {@link SqliteBulkOperationsTest}, {@link PostgresBulkOperationsTest}. Failed tasks are written to the failed-tasks
 * table as a foreman keeps them (the filters' subject is the table's content); one test has a foreman keep them.
 */
abstract class BulkOperationsContract extends ClosesAfterEach {

    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    final SettableClock clock = new SettableClock(T0);

    /** A new, empty queue on {@code clock}. */
    abstract TaskQueue openQueue(SettableClock clock) throws Exception;

    /**
     * Makes the task table refuse (the statement fails) any insert of a task whose args are {@code args}: a failure
     * in the middle of a bulk statement. Undone by {@link #allowInserts}.
     */
    abstract void refuseInsertsOf(TaskQueue queue, String args);

    abstract void allowInserts(TaskQueue queue);

    /** Keeps a failed task as a foreman would: id, name, args {@code {"n":id}}, failed at T0 + {@code minute} min. */
    static void keepFailed(TaskQueue queue, long id, String name, int minute, String reason) {
        long failedAt = T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
        queue.database().autocommit(dsl -> dsl.insertInto(DBMQ_FAILED_TASK, DBMQ_FAILED_TASK.ID,
                        DBMQ_FAILED_TASK.TASK_NAME, DBMQ_FAILED_TASK.ARGS, DBMQ_FAILED_TASK.CREATED_AT,
                        DBMQ_FAILED_TASK.FAILED_AT, DBMQ_FAILED_TASK.REASON, DBMQ_FAILED_TASK.ATTEMPTS,
                        DBMQ_FAILED_TASK.METADATA)
                .values(id, name, "{\"n\":" + id + "}", failedAt - 1000, failedAt, reason, 1,
                        "{\"tenant\":\"t" + id + "\"}")
                .execute());
    }

    static List<Long> ids(List<FailedTask> tasks) {
        return tasks.stream().map(FailedTask::id).toList();
    }

    /** Six kept failures: ids 1-6, echo and boom, two reasons, a minute apart. */
    TaskQueue queueWithFailures() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        for (int i = 0; i < 6; i++) { // ids 1-6, as the failed tasks had when they were enqueued
            queue.enqueue(ECHO, new Echo(i));
        }
        assertEquals(6, queue.cancelPending(PendingFilter.all()));
        keepFailed(queue, 1, "echo", 0, "handler: java.net.SocketTimeoutException: Read timeout");
        keepFailed(queue, 2, "echo", 1, "handler: java.lang.IllegalStateException: bad input");
        keepFailed(queue, 3, "boom", 2, "handler: java.net.SocketTimeoutException: Read timeout");
        keepFailed(queue, 4, "echo", 3, "handler: java.net.SocketTimeoutException: Read TIMEOUT 100%_");
        keepFailed(queue, 5, "boom", 4, "handler: java.lang.IllegalStateException: bad input");
        keepFailed(queue, 6, "echo", 5, "handler: java.net.SocketTimeoutException: Read timeout");
        return queue;
    }

    @Test
    void failed_filters_select_by_name_reason_time_and_ids_and_combine() throws Exception {
        TaskQueue queue = queueWithFailures();
        record Row(FailedFilter filter, List<Long> newestFirst) {
        }
        List<Row> table = List.of(
                new Row(FailedFilter.all(), List.of(6L, 5L, 4L, 3L, 2L, 1L)),
                new Row(FailedFilter.all().taskName("echo"), List.of(6L, 4L, 2L, 1L)),
                new Row(FailedFilter.all().reasonContains("timeout"), List.of(6L, 3L, 1L)), // case-sensitive
                new Row(FailedFilter.all().reasonContains("TIMEOUT 100%_"), List.of(4L)), // % and _ are text
                new Row(FailedFilter.all().reasonContains("%"), List.of(4L)),
                new Row(FailedFilter.all().taskName("echo").reasonContains("timeout"), List.of(6L, 1L)),
                new Row(FailedFilter.all().failedAfter(T0.plus(Duration.ofMinutes(2))), List.of(6L, 5L, 4L, 3L)),
                new Row(FailedFilter.all().failedBefore(T0.plus(Duration.ofMinutes(2))), List.of(2L, 1L)),
                new Row(FailedFilter.all().failedBetween(T0.plus(Duration.ofMinutes(1)),
                        T0.plus(Duration.ofMinutes(3))), List.of(3L, 2L)),
                new Row(FailedFilter.all().ids(2, 3, 99), List.of(3L, 2L)),
                new Row(FailedFilter.all().ids(2, 3).taskName("boom"), List.of(3L)),
                new Row(FailedFilter.all().taskName("nope"), List.of()));
        for (Row row : table) {
            assertEquals(row.newestFirst(), ids(queue.failedTasks(row.filter(), 100)), row.filter().toString());
            assertEquals(row.newestFirst().size(), queue.countFailed(row.filter()), row.filter().toString());
        }
        assertEquals(List.of(6L, 5L), ids(queue.failedTasks(FailedFilter.all(), 2)), "the limit keeps the newest");
    }

    @Test
    void requeue_failed_moves_exactly_the_matching_tasks_back_with_their_args_and_metadata() throws Exception {
        TaskQueue queue = queueWithFailures();
        clock.set(T0.plus(Duration.ofHours(1)));
        int requeued = queue.requeueFailed(FailedFilter.all().taskName("echo").reasonContains("timeout"));

        assertEquals(2, requeued);
        assertEquals(List.of(5L, 4L, 3L, 2L), ids(queue.failedTasks(FailedFilter.all(), 100)));
        List<PendingTask> pending = queue.pendingTasks(PendingFilter.all(), 100);
        assertEquals(List.of("{\"n\":1}", "{\"n\":6}"), pending.stream().map(PendingTask::args).toList(),
                "oldest failure first");
        assertEquals(List.of(Map.of("tenant", "t1"), Map.of("tenant", "t6")),
                pending.stream().map(PendingTask::metadata).toList());
        pending.forEach(p -> {
            assertEquals(1, p.attempt());
            assertEquals(clock.instant(), p.enqueuedAt());
            assertTrue(p.id() > 6, "a new id: " + p.id());
        });
        assertEquals(0, queue.requeueFailed(FailedFilter.all().taskName("echo").reasonContains("timeout")),
                "nothing left to match");
    }

    @Test
    void a_requeued_task_that_a_foreman_kept_as_failed_runs_again() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        boolean[] fail = {true};
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> {
            if (fail[0]) {
                throw new IllegalStateException("upstream timeout " + a.n());
            }
            ran.add(a.n());
        }).handle(BOOM, a -> {
            throw new IllegalStateException("bad input");
        }).startManual());
        for (int i = 0; i < 5; i++) {
            queue.enqueue(ECHO, new Echo(i));
            queue.enqueue(BOOM, new Echo(i));
        }
        assertEquals(10, foreman.runPending());
        assertEquals(10, queue.countFailed(FailedFilter.all()));

        fail[0] = false;
        assertEquals(5, queue.requeueFailed(FailedFilter.all().reasonContains("upstream timeout")));
        assertEquals(5, foreman.runPending());
        assertEquals(List.of(0, 1, 2, 3, 4), ran.stream().sorted().toList());
        assertEquals(5, queue.countFailed(FailedFilter.all().taskName("boom")));
        assertEquals(5, queue.countFailed(FailedFilter.all()));
    }

    @Test
    void delete_failed_deletes_exactly_the_matching_tasks() throws Exception {
        TaskQueue queue = queueWithFailures();
        assertEquals(2, queue.deleteFailed(FailedFilter.all().failedBefore(T0.plus(Duration.ofMinutes(2)))));
        assertEquals(List.of(6L, 5L, 4L, 3L), ids(queue.failedTasks(FailedFilter.all(), 100)));
        assertEquals(1, queue.deleteFailed(FailedFilter.all().ids(5, 1, 2)), "1 and 2 are gone already");
        assertEquals(3, queue.deleteFailed(FailedFilter.all()));
        assertEquals(0, queue.countFailed(FailedFilter.all()));
        assertEquals(0, queue.pending(), "deleting never requeues");
    }

    @Test
    void cancel_pending_cancels_exactly_the_matching_pending_tasks_and_never_a_schedule() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n()))
                .handle(BOOM, a -> ran.add(100 + a.n()))
                .recurring("beat", Schedule.every(Duration.ofHours(1)), ECHO, new Echo(-1)).startManual());
        long trial1 = queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofDays(7)).key("trial:u1"));
        long trial2 = queue.enqueue(ECHO, new Echo(2), Enqueue.after(Duration.ofDays(7)).key("trial:u2"));
        long other = queue.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofDays(7)).key("trialx:u3"));
        long soon = queue.enqueue(ECHO, new Echo(4), Enqueue.after(Duration.ofMinutes(1)));
        long boom = queue.enqueue(BOOM, new Echo(5), Enqueue.after(Duration.ofDays(7)).key("trial:u5"));
        long now = queue.enqueue(ECHO, new Echo(6));

        assertThrows(IllegalArgumentException.class, () -> PendingFilter.all().keyPrefix("dbmq:recurring:"));
        assertEquals(2, queue.cancelPending(PendingFilter.all().taskName("echo").keyPrefix("trial:")));
        assertEquals(List.of(now, soon, other, boom), queue.pendingTasks(PendingFilter.all(), 100).stream()
                .map(PendingTask::id).toList(), "claim order; the schedule's instance is not listed");
        assertEquals(2, queue.cancelPending(PendingFilter.all().dueBetween(T0, T0.plus(Duration.ofMinutes(5)))
                .ids(soon, now, trial1, other)), "due now and due in a minute; trial1 is gone, other due later");
        assertEquals(List.of(other, boom), queue.pendingTasks(PendingFilter.all(), 100).stream()
                .map(PendingTask::id).toList());
        assertEquals(2, queue.cancelPending(PendingFilter.all()));
        assertTrue(queue.findPendingByKey("dbmq:recurring:beat").isPresent(), "the schedule keeps its instance");

        clock.advance(Duration.ofDays(8));
        foreman.runPending();
        assertEquals(List.of(-1), ran, "only the schedule's tick ran: " + ran + " (trial2 " + trial2 + ")");
    }

    @Test
    void cancel_pending_matches_a_retry_waiting_for_its_backoff() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMinutes(10), 3));
        ManualForeman foreman = closing(Foreman.builder(queue).handle(flaky, a -> {
            throw new IllegalStateException("not yet");
        }).startManual());
        long id = queue.enqueue(flaky, new Echo(1));
        assertEquals(1, foreman.runPending());
        assertEquals(2, queue.findPending(id).orElseThrow().attempt(), "its retry waits");
        assertEquals(1, queue.cancelPending(PendingFilter.all().taskName("flaky")));
        clock.advance(Duration.ofHours(1));
        assertEquals(0, foreman.runPending());
        assertEquals(0, queue.countFailed(FailedFilter.all()), "cancelled, not kept as failed");
    }

    /** 100,000 kept failures requeued in one transaction; a failure on the last row leaves all of them kept. */
    @Test
    void requeue_of_100000_failed_tasks_is_all_or_nothing() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        int n = 100_000;
        queue.database().transaction(dsl -> {
            for (int from = 1; from <= n; from += 1000) {
                var insert = dsl.insertInto(DBMQ_FAILED_TASK, DBMQ_FAILED_TASK.ID, DBMQ_FAILED_TASK.TASK_NAME,
                        DBMQ_FAILED_TASK.ARGS, DBMQ_FAILED_TASK.CREATED_AT, DBMQ_FAILED_TASK.FAILED_AT,
                        DBMQ_FAILED_TASK.REASON, DBMQ_FAILED_TASK.ATTEMPTS);
                for (long id = from; id < from + 1000; id++) {
                    insert = insert.values(id, "echo", "{\"n\":" + id + "}", 0L, id, "handler: timeout", 1);
                }
                insert.execute();
            }
            return null;
        });
        refuseInsertsOf(queue, "{\"n\":" + n + "}"); // the newest failure, so the last row the requeue writes
        assertThrows(DbmqException.class, () -> queue.requeueFailed(FailedFilter.all()));
        assertEquals(n, queue.countFailed(FailedFilter.all()), "none was taken from the failed tasks");
        assertEquals(0, queue.pending(), "none was requeued");

        allowInserts(queue);
        assertEquals(n, queue.requeueFailed(FailedFilter.all().taskName("echo")));
        assertEquals(0, queue.countFailed(FailedFilter.all()));
        assertEquals(n, queue.pending());
    }

    @Test
    void stats_by_name_count_each_names_due_scheduled_retrying_failed_and_done() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMinutes(10), 3));
        ManualForeman foreman = closing(Foreman.builder(queue).handle(ECHO, a -> { })
                .handle(BOOM, a -> {
                    throw new IllegalStateException("no");
                })
                .handle(flaky, a -> {
                    throw new IllegalStateException("not yet");
                }).startManual());
        queue.enqueue(ECHO, new Echo(1));
        queue.enqueue(BOOM, new Echo(1));
        queue.enqueue(flaky, new Echo(1));
        assertEquals(3, foreman.runPending()); // echo done, boom kept, flaky's retry waits 10 min
        queue.enqueue(ECHO, new Echo(2)); // due since T0
        queue.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofMinutes(5)));
        clock.advance(Duration.ofSeconds(30));
        keepFailed(queue, 99, "gone-type", 0, "no handler");

        record Row(String name, long due, long scheduled, long retrying, long failedKept, long done, long failed,
                   Duration oldestDueAge, java.util.Optional<Instant> nextDueAt) {
        }
        assertEquals(List.of(
                new Row("boom", 0, 0, 0, 1, 0, 1, Duration.ZERO, java.util.Optional.empty()),
                new Row("echo", 1, 1, 0, 0, 1, 0, Duration.ofSeconds(30),
                        java.util.Optional.of(T0.plus(Duration.ofMinutes(5)))),
                new Row("flaky", 0, 1, 1, 0, 0, 0, Duration.ZERO,
                        java.util.Optional.of(T0.plus(Duration.ofMinutes(10)))),
                new Row("gone-type", 0, 0, 0, 1, 0, 0, Duration.ZERO, java.util.Optional.empty())),
                queue.statsByName().stream().map(n -> new Row(n.taskName(), n.due(), n.scheduled(), n.retrying(),
                        n.failedKept(), n.done(), n.failed(), n.oldestDueAge(), n.nextDueAt().map(this::tenMinutes)))
                        .toList());
    }

    /** A retry's due time, T0 + 10 min within the backoff's jitter (±10%), as T0 + 10 min; any other as it is. */
    private Instant tenMinutes(Instant t) {
        boolean jittered = !t.isBefore(T0.plus(Duration.ofMinutes(9))) && !t.isAfter(T0.plus(Duration.ofMinutes(11)));
        return jittered ? T0.plus(Duration.ofMinutes(10)) : t;
    }

    @Test
    void schedules_list_each_pending_instance_and_gone_foremen_list_a_stopped_one() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> { }).pollInterval(ForemanContract.NO_POLL)
                .recurring("hourly", Schedule.every(Duration.ofHours(1)), ECHO, new Echo(7)).start();
        String id = foreman.id();
        assertEquals(List.of(), queue.goneForemen().stream().filter(f -> f.id().equals(id)).toList());
        foreman.close();

        List<RecurringSchedule> schedules = queue.schedules();
        assertEquals(1, schedules.size(), schedules.toString());
        RecurringSchedule hourly = schedules.get(0);
        assertEquals(List.of("hourly", "echo", Schedule.every(Duration.ofHours(1)).spec(), "{\"n\":7}"),
                List.of(hourly.name(), hourly.taskName(), hourly.schedule(), hourly.args()));
        assertTrue(hourly.nextDueAt().isAfter(hourly.writtenAt()), hourly.toString());
        assertEquals(List.of(), queue.pendingTasks(PendingFilter.all(), 10), "an instance is not a pending task");

        List<GoneForeman> gone = queue.goneForemen();
        assertEquals(1, gone.size(), gone.toString());
        assertEquals(id, gone.get(0).id());
        assertEquals(GoneForeman.End.STOPPED, gone.get(0).end());
        assertTrue(gone.get(0).endedAt().isPresent());
        assertEquals(List.of(), queue.foremen());
    }

    @Test
    void stats_by_name_counts_stop_at_the_limit_and_the_oldest_due_is_still_exact() throws Exception {
        TaskQueue queue = closing(openQueue(clock));
        List<Echo> many = new ArrayList<>();
        for (int i = 0; i <= TaskNameStats.COUNT_LIMIT; i++) {
            many.add(new Echo(i));
        }
        queue.enqueueAll(ECHO, many); // due at once, at T0
        clock.advance(Duration.ofMinutes(1));
        queue.enqueueAll(ECHO, many.subList(0, 3), Enqueue.after(Duration.ofHours(1)));
        TaskNameStats echo = queue.statsByName().get(0);
        assertEquals(TaskNameStats.COUNT_LIMIT, echo.due(), "stopped at the limit: 10,001 are due");
        assertTrue(TaskNameStats.atLimit(echo.due()));
        assertEquals(3, echo.scheduled());
        assertFalse(TaskNameStats.atLimit(echo.scheduled()));
        assertEquals(Duration.ofMinutes(1), echo.oldestDueAge());
        assertEquals(java.util.Optional.of(T0.plus(Duration.ofMinutes(61))), echo.nextDueAt());
        assertEquals(TaskNameStats.COUNT_LIMIT + 4, queue.stats().pending(), "stats() counts them all");
    }

    @Test
    void filters_refuse_bad_settings_naming_them() {
        record Bad(Runnable build, String setting) {
        }
        for (Bad bad : List.of(
                new Bad(() -> FailedFilter.all().taskName(""), "taskName"),
                new Bad(() -> FailedFilter.all().reasonContains(null), "reasonContains"),
                new Bad(() -> FailedFilter.all().ids(List.of()), "ids"),
                new Bad(() -> FailedFilter.all().ids(java.util.stream.LongStream.range(0, 10_001).toArray()), "ids"),
                new Bad(() -> PendingFilter.all().keyPrefix(""), "keyPrefix"),
                new Bad(() -> PendingFilter.all().keyPrefix("dbmq:x"), "keyPrefix"),
                new Bad(() -> PendingFilter.all().taskName(null), "taskName"),
                new Bad(() -> PendingFilter.all().ids(new long[0]), "ids"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.build::run, bad.setting());
            assertTrue(e.getMessage().startsWith(bad.setting()), e.getMessage());
        }
    }
}
