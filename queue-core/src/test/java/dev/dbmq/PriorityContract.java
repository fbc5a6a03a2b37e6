package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Priorities, whatever the database ({@link SqlitePriorityTest}, {@link PostgresPriorityTest}): a lane's due tasks are
 * claimed by priority, then due time, then id, and a task keeps its priority through every way back into the queue.
 * Waits on latches, never on sleeps.
 */
abstract class PriorityContract extends ClosesAfterEach {

    record Job(int n) {
    }

    static final Task<Job> BULK = Task.of("bulk-export", Job.class).priority(3);
    static final Task<Job> ALERT = Task.of("alert", Job.class).priority(0);
    static final long TIMEOUT_SECONDS = 30;

    /** A new, empty queue. */
    abstract TaskQueue openQueue() throws Exception;

    /**
     * 10,000 priority-3 tasks due and the one worker busy with one of them: a priority-0 task, of another name or of
     * the same name by its enqueue, is the next to start, in enqueue order.
     */
    @Test
    void a_higher_priority_task_starts_at_the_next_free_worker_however_many_lower_ones_are_due() throws Exception {
        TaskQueue queue = closing(openQueue());
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch threeStarted = new CountDownLatch(3);
        queue.enqueueAll(BULK, IntStream.range(0, 10_000).mapToObj(Job::new).toList());
        closing(Foreman.builder(queue)
                .workers(1)
                .handle(BULK, args -> {
                    started.add("bulk " + args.n());
                    threeStarted.countDown();
                    if (args.n() == 0) {
                        firstBusy.countDown();
                        assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    }
                })
                .handle(ALERT, args -> {
                    started.add("alert " + args.n());
                    threeStarted.countDown();
                })
                .start());
        assertTrue(firstBusy.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the oldest bulk task runs");

        queue.enqueue(ALERT, new Job(1));
        queue.enqueue(BULK, new Job(-1), Enqueue.now().priority(0));
        assertEquals(0, queue.findPending(queue.enqueue(BULK, new Job(-2), Enqueue.now().priority(0)))
                .orElseThrow().priority(), "an enqueue's priority is stored");
        release.countDown();
        assertTrue(threeStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), started::toString);
        assertEquals(List.of("bulk 0", "alert 1", "bulk -1"), List.copyOf(started.subList(0, 3)));
    }

    /** Retries, requeues and the running record carry the priority a task was enqueued with, not its type's. */
    @Test
    void a_task_keeps_its_priority_through_a_retry_a_requeue_and_its_running_record() throws Exception {
        TaskQueue queue = closing(openQueue());
        Task<Job> flaky = Task.of("flaky", Job.class).priority(2).retry(Retry.fixed(Duration.ofMinutes(10), 2));
        Task<Job> failing = Task.of("failing", Job.class).priority(3);
        CountDownLatch retried = new CountDownLatch(1);
        CountDownLatch failed = new CountDownLatch(1);
        Foreman foreman = Foreman.builder(queue)
                .handle(flaky, args -> {
                    throw new IllegalStateException("once more");
                })
                .handle(failing, args -> {
                    throw new IllegalStateException("no");
                })
                .listener(new ForemanListener() {
                    @Override
                    public void taskRetrying(TaskEvent.Retrying event) {
                        retried.countDown();
                    }

                    @Override
                    public void taskFailed(TaskEvent.Failed event) {
                        failed.countDown();
                    }
                })
                .start();
        long flakyId = queue.enqueue(flaky, new Job(1), Enqueue.now().priority(0));
        queue.enqueue(failing, new Job(2), Enqueue.now().priority(1));
        assertTrue(retried.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "retried");
        assertTrue(failed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "failed");
        foreman.close();

        PendingTask retry = queue.findPending(flakyId).orElseThrow();
        assertEquals(2, retry.attempt());
        assertEquals(0, retry.priority(), "the retry keeps the enqueue's priority");
        assertEquals(1, queue.requeueFailed(FailedFilter.all().taskName("failing")));
        List<PendingTask> requeued = queue.pendingTasks(PendingFilter.all().taskName("failing"), 10);
        assertEquals(1, requeued.size());
        assertEquals(1, requeued.get(0).priority(), "the requeue keeps the enqueue's priority");

        TaskStore.Row row = new TaskStore.Row(7, "flaky", "{}", 1, 2, 1, null, null, null, 0, null);
        List<RunningStore.Running> taken = queue.database().transaction(dsl -> {
            RunningStore.record(dsl, List.of(new RunningStore.Entry(row, 0, 2)), "gone", 3);
            return RunningStore.take(dsl, List.of("gone"));
        });
        assertEquals(row, taken.get(0).task(), "the running record keeps it, for an interrupted attempt's rerun");
    }

    /**
     * A pending task list and the per-name stats read every priority. Listed in claim order, as if every task were due:
     * priority, then due time, then id.
     */
    @Test
    void lists_and_stats_count_every_priority() throws Exception {
        TaskQueue queue = closing(openQueue());
        long low = queue.enqueue(BULK, new Job(1));
        long high = queue.enqueue(BULK, new Job(2), Enqueue.now().priority(0));
        long normal = queue.enqueue(BULK, new Job(3), Enqueue.now().priority(1));
        long later = queue.enqueue(BULK, new Job(4), Enqueue.after(Duration.ofHours(1)).priority(0));
        assertEquals(List.of(high, later, normal, low), queue.pendingTasks(PendingFilter.all(), 10).stream()
                .map(PendingTask::id).toList());
        TaskNameStats stats = queue.statsByName().stream().filter(s -> s.taskName().equals(BULK.name()))
                .findFirst().orElseThrow();
        assertEquals(3, stats.due());
        assertEquals(1, stats.scheduled());
        assertTrue(stats.nextDueAt().isPresent());
    }
}
