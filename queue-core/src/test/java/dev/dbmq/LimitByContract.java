package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Limits per key ({@link Task#limitBy}), whatever the database ({@link SqliteLimitByTest},
 * {@link PostgresLimitByTest}): never more of a key running at once than its limit; a key whose places are taken
 * does not hold back another key's tasks, however many it has queued; keys take turns. Waits on latches, never on
 * sleeps.
 */
abstract class LimitByContract extends ClosesAfterEach {

    record Export(String customer, int n) {
    }

    static final Task<Export> EXPORT = Task.of("export", Export.class).limitBy(Export::customer, 1);
    static final long TIMEOUT_SECONDS = 30;

    /** A new, empty queue. */
    abstract TaskQueue openQueue() throws Exception;

    static List<Export> exports(String customer, int n) {
        return IntStream.range(0, n).mapToObj(i -> new Export(customer, i)).toList();
    }

    /** Handlers of each key running now, and the most at once there ever were. */
    static final class PerKey {
        final Map<String, AtomicInteger> now = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

        void enter(String key) {
            int running = now.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            most.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(running, Math::max);
        }

        void leave(String key) {
            now.get(key).decrementAndGet();
        }

        int most(String key) {
            return most.getOrDefault(key, new AtomicInteger()).get();
        }
    }

    /**
     * Customer a has 300 exports queued and one running, held; b's one export starts on a free worker while a's
     * first is still running. Released, a's run one at a time, and all of them run once.
     */
    @Test
    void a_busy_key_with_a_backlog_does_not_hold_back_another_keys_first_task() throws Exception {
        TaskQueue queue = closing(openQueue());
        PerKey perKey = new PerKey();
        CountDownLatch firstOfA = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bStarted = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(301);
        AtomicInteger startedOfA = new AtomicInteger();
        queue.enqueueAll(EXPORT, exports("a", 300));
        closing(Foreman.builder(queue)
                .workers(4)
                .handle(EXPORT, args -> {
                    perKey.enter(args.customer());
                    try {
                        if (args.customer().equals("a")) {
                            startedOfA.incrementAndGet();
                            firstOfA.countDown();
                            assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        } else {
                            bStarted.countDown();
                        }
                    } finally {
                        perKey.leave(args.customer());
                        all.countDown();
                    }
                })
                .start());
        assertTrue(firstOfA.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "a's first runs");
        queue.enqueue(EXPORT, new Export("b", 0));
        assertTrue(bStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "b's export starts past a's 299");
        assertEquals(1, startedOfA.get(), "a's others wait for its place");
        assertEquals(299, queue.pending());

        release.countDown();
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + (301 - all.getCount()));
        assertEquals(1, perKey.most("a"), "never two of a at once");
        assertEquals(300, startedOfA.get());
        assertEquals(0, queue.pending());
        assertEquals(0, queue.failedTasks(10).size());
    }

    static final Task<Export> TWO_PER_KEY = Task.of("export2", Export.class).limitBy(Export::customer, 2);

    /**
     * Keys take turns: a holds both workers with its 50 queued behind; b enqueues one; when one of a's ends, the
     * next to start is b's, not a's next.
     */
    @Test
    void when_a_place_frees_a_waiting_key_goes_before_the_busy_keys_next() throws Exception {
        TaskQueue queue = closing(openQueue());
        List<String> starts = new CopyOnWriteArrayList<>();
        Semaphore ends = new Semaphore(0);
        CountDownLatch twoOfA = new CountDownLatch(2);
        CountDownLatch third = new CountDownLatch(3);
        CountDownLatch all = new CountDownLatch(51);
        queue.enqueueAll(TWO_PER_KEY, exports("a", 50));
        closing(Foreman.builder(queue)
                .workers(2)
                .handle(TWO_PER_KEY, args -> {
                    starts.add(args.customer());
                    twoOfA.countDown();
                    third.countDown();
                    try {
                        if (args.customer().equals("a")) {
                            assertTrue(ends.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        }
                    } finally {
                        all.countDown();
                    }
                })
                .start());
        assertTrue(twoOfA.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "a takes both workers");
        queue.enqueue(TWO_PER_KEY, new Export("b", 0));
        ends.release(1); // one of a's ends: one worker free
        assertTrue(third.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("a", "a", "b"), starts.subList(0, 3), "b's turn before a's third");
        ends.release(100);
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + (51 - all.getCount()));
        assertEquals(0, queue.pending());
    }

    /**
     * Tasks written through a Task without limitBy (an older producer, or tasks pending from before the upgrade)
     * have no key: the foreman gives them theirs before it runs them, so they keep the limit too.
     */
    @Test
    void tasks_written_without_a_key_are_given_theirs_and_keep_the_limit() throws Exception {
        TaskQueue queue = closing(openQueue());
        queue.enqueueAll(Task.of(EXPORT.name(), Export.class), exports("a", 20));
        queue.enqueueAll(EXPORT, exports("b", 20));
        PerKey perKey = new PerKey();
        CountDownLatch all = new CountDownLatch(40);
        CountDownLatch bothKeys = new CountDownLatch(2);
        closing(Foreman.builder(queue)
                .workers(4)
                .handle(EXPORT, args -> {
                    perKey.enter(args.customer());
                    if (perKey.now.get(args.customer()).get() == 1) {
                        bothKeys.countDown();
                    }
                    try {
                        bothKeys.await(TIMEOUT_SECONDS, TimeUnit.SECONDS); // a and b each run beside the other
                    } finally {
                        perKey.leave(args.customer());
                        all.countDown();
                    }
                })
                .start());
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + (40 - all.getCount()));
        assertEquals(1, perKey.most("a"), "a's tasks, written without their key, one at a time");
        assertEquals(1, perKey.most("b"));
        assertEquals(0, queue.failedTasks(10).size());
    }

    /**
     * One claim finds a keyed type's task and another type's in the same lane, and may keep one (1 worker): the keyed
     * one, of the higher priority, is kept, and the other, which the claim had already taken, is written back as it
     * was, its unique key and priority with it.
     */
    @Test
    void a_claim_that_keeps_a_keyed_task_over_another_types_writes_that_one_back_as_it_was() throws Exception {
        TaskQueue queue = closing(openQueue());
        Task<Export> other = Task.of("other", Export.class);
        for (int i = 0; i < 3; i++) {
            queue.enqueue(other, new Export("x", i), Enqueue.now().key("other-" + i).priority(3));
        }
        queue.enqueue(EXPORT, new Export("a", 0), Enqueue.now().priority(0));
        List<String> starts = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(4);
        closing(Foreman.builder(queue)
                .workers(1)
                .handle(EXPORT, args -> {
                    starts.add("export");
                    firstStarted.countDown();
                    assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    all.countDown();
                })
                .handle(other, args -> {
                    starts.add("other-" + args.n());
                    all.countDown();
                })
                .start());
        assertTrue(firstStarted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("export"), starts);
        for (int i = 0; i < 3; i++) {
            PendingTask pending = queue.findPendingByKey("other-" + i).orElseThrow(AssertionError::new);
            assertEquals(3, pending.priority());
        }
        release.countDown();
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + starts);
        assertEquals(List.of("export", "other-0", "other-1", "other-2"), starts);
    }

    /** The limit keys of the pending tasks, or of the failed ones, in id order. */
    static List<String> keys(TaskQueue queue, boolean failed) {
        return QueueInternals.database(queue).autocommit(dsl -> failed
                ? dsl.select(dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK.LIMIT_KEY)
                        .from(dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK)
                        .orderBy(dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK.ID).fetch().getValues(0, String.class)
                : dsl.select(dev.dbmq.internal.jooq.Tables.DBMQ_TASK.LIMIT_KEY)
                        .from(dev.dbmq.internal.jooq.Tables.DBMQ_TASK)
                        .orderBy(dev.dbmq.internal.jooq.Tables.DBMQ_TASK.ID).fetch().getValues(0, String.class));
    }

    /** A failed attempt's retry, a task kept as failed, and its requeue keep the key. */
    @Test
    void a_retry_a_failed_task_and_its_requeue_keep_the_key() throws Exception {
        TaskQueue queue = closing(openQueue());
        Task<Export> retried = Task.of("export3", Export.class).limitBy(Export::customer, 1)
                .retry(Retry.fixed(java.time.Duration.ofHours(1), 2));
        Task<Export> once = Task.of("export4", Export.class).limitBy(Export::customer, 1);
        CountDownLatch ran = new CountDownLatch(2);
        queue.enqueue(retried, new Export("a", 0));
        queue.enqueue(once, new Export("b", 0));
        Foreman foreman = closing(Foreman.builder(queue)
                .workers(2)
                .handle(retried, args -> {
                    ran.countDown();
                    throw new IllegalStateException("fails");
                })
                .handle(once, args -> {
                    ran.countDown();
                    throw new IllegalStateException("fails");
                })
                .start());
        assertTrue(ran.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        foreman.close(); // waits for the attempts' outcomes to be written
        assertEquals(List.of("a"), keys(queue, false), "the retry, due in an hour, with its key");
        assertEquals(List.of("b"), keys(queue, true), "the failed task with its key");
        assertEquals(1, queue.requeueFailed(FailedFilter.all()));
        assertEquals(List.of("a", "b"), keys(queue, false), "requeued with its key");
    }
}
