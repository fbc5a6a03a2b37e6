package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Concurrency limits ({@link Task#limit}), whatever the database ({@link SqliteLimitTest}, {@link PostgresLimitTest}):
 * never more of a type running at once than its limit, the rest queued, not failed; other types unhindered. Waits on
 * latches, never on sleeps.
 */
abstract class LimitContract extends ClosesAfterEach {

    record Job(int n) {
    }

    static final Task<Job> LIMITED = Task.of("limited", Job.class).limit(2);
    static final Task<Job> OTHER = Task.of("other", Job.class);
    static final long TIMEOUT_SECONDS = 30;

    /** A new, empty queue. */
    abstract TaskQueue openQueue() throws Exception;

    /**
     * Counts the handlers of a type running at once, and the most there ever were. The first handler waits, on a
     * latch, until another runs beside it (the limit allows two): so two at once is reached for certain, not by luck of
     * timing, and a limit that held back the second would show as a most of 1.
     */
    static final class Concurrency {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        private final CountDownLatch twoAtOnce = new CountDownLatch(1);

        void enter() {
            int running = now.incrementAndGet();
            most.accumulateAndGet(running, Math::max);
            if (running >= 2) {
                twoAtOnce.countDown();
            }
        }

        /** Until a second handler runs beside this one (at once after the first time), or the test's timeout. */
        void awaitAnother() throws InterruptedException {
            twoAtOnce.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        void leave() {
            now.decrementAndGet();
        }
    }

    /**
     * A handler of limited tasks whose tasks 0 and 1 hold their places until {@link #release} opens: counts the starts
     * and the most running at once.
     */
    static final class FirstTwoHeld implements TaskHandler<Job> {
        final Concurrency limited = new Concurrency();
        final CountDownLatch twoHeld = new CountDownLatch(2);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger started = new AtomicInteger();
        final CountDownLatch all;

        FirstTwoHeld(int tasks) {
            all = new CountDownLatch(tasks);
        }

        @Override
        public void handle(Job args) throws Exception {
            limited.enter();
            started.incrementAndGet();
            try {
                if (args.n() < 2) {
                    twoHeld.countDown();
                    assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                }
            } finally {
                limited.leave();
                all.countDown();
            }
        }
    }

    /**
     * Two limited tasks hold both places: a claim leaves the others queued, and a type without a limit runs past them
     * on the free workers. Released, the rest run two at a time, never three, and none fails.
     */
    @Test
    void a_limited_type_never_runs_more_than_its_limit_and_others_run_past_it() throws Exception {
        TaskQueue queue = closing(openQueue());
        FirstTwoHeld held = new FirstTwoHeld(100);
        CountDownLatch allOther = new CountDownLatch(20);
        closing(Foreman.builder(queue)
                .workers(8)
                .handle(LIMITED, held)
                .handle(OTHER, args -> allOther.countDown())
                .start());
        queue.enqueueAll(LIMITED, IntStream.range(0, 100).mapToObj(Job::new).toList());
        assertTrue(held.twoHeld.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the two oldest run");

        queue.enqueueAll(OTHER, IntStream.range(0, 20).mapToObj(Job::new).toList()); // claimed, not handed over
        assertTrue(allOther.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "another type runs past the limited one");
        assertEquals(2, held.started.get(), "the claims that took the other type left the limited type queued");
        assertEquals(98, queue.pendingTasks(PendingFilter.all().taskName(LIMITED.name()), 200).size());
        assertEquals(2, queue.running().stream().filter(r -> r.taskName().equals(LIMITED.name())).count(),
                "records of the two: " + queue.running());

        held.release.countDown();
        assertTrue(held.all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the rest ran: " + held.started.get());
        assertEquals(2, held.limited.most.get(), "never more than the limit at once");
        assertEquals(0, queue.failedTasks(10).size());
        assertEquals(0, queue.pending());
    }

    /**
     * A type with a limit, a limit per key and a rate at once, as a type may declare them: each holds. Keys 0-2 (n mod 3),
     * one running each; two at once of the type (each handler waits until another runs beside it); a rate that lets
     * them through. Never 3 at once, never 2 of one key, all run.
     */
    @Test
    void a_limit_a_limit_per_key_and_a_rate_on_one_type_all_hold() throws Exception {
        Task<Job> combined = Task.of("combined", Job.class).limit(2).limitBy(j -> j.n() % 3, 1)
                .rate(1_000, Duration.ofSeconds(1));
        TaskQueue queue = closing(openQueue());
        Concurrency type = new Concurrency();
        java.util.Map<Integer, AtomicInteger> perKey = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger mostPerKey = new AtomicInteger();
        int tasks = 30;
        CountDownLatch all = new CountDownLatch(tasks);
        queue.enqueueAll(combined, IntStream.range(0, tasks).mapToObj(Job::new).toList());
        closing(Foreman.builder(queue)
                .workers(6)
                .handle(combined, args -> {
                    AtomicInteger key = perKey.computeIfAbsent(args.n() % 3, k -> new AtomicInteger());
                    mostPerKey.accumulateAndGet(key.incrementAndGet(), Math::max);
                    type.enter();
                    try {
                        type.awaitAnother();
                    } finally {
                        type.leave();
                        key.decrementAndGet();
                        all.countDown();
                    }
                })
                .start());
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + (tasks - all.getCount()));
        assertEquals(2, type.most.get(), "never more than the limit at once");
        assertEquals(1, mostPerKey.get(), "never two of one key at once");
        assertEquals(0, queue.pending());
        assertEquals(0, queue.failedTasks(10).size());
    }

    static final Task<Job> RATED = Task.of("rated", Job.class).rate(10, Duration.ofMillis(400));

    /**
     * Runs 30 tasks of {@link #RATED} (10 per 400 ms) on the foremen of {@code queues}, enqueued before they start, and
     * returns the handlers' starts, System.nanoTime, sorted.
     */
    List<Long> runRated(List<TaskQueue> queues) throws Exception {
        List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(30);
        queues.get(0).enqueueAll(RATED, IntStream.range(0, 30).mapToObj(Job::new).toList());
        for (TaskQueue queue : queues) {
            closing(Foreman.builder(queue)
                    .workers(8)
                    .handle(RATED, args -> {
                        starts.add(System.nanoTime());
                        all.countDown();
                    })
                    .start());
        }
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + starts.size());
        List<Long> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        return sorted;
    }

    /**
     * The rate holds (no 11 starts within a window, the claims' 400 ms less 100 ms for handlers that start late), the
     * starts are spaced (a slot every 42 ms, 400 ms and its 20 ms headroom over 10, a late claim catching up 5 ms at
     * most: 8 starts span about 290 ms, and never fall within 100 ms, as they would with 10 at once each window) and the
     * backlog runs at the rate: the last of 30 starts about 29 slots (1,218 ms) after the first, each woken for its
     * slot, not polled for.
     */
    static void assertRate(List<Long> starts) {
        for (int i = 0; i + 10 < starts.size(); i++) {
            long spanMillis = (starts.get(i + 10) - starts.get(i)) / 1_000_000;
            assertTrue(spanMillis >= 300, "starts " + i + " to " + (i + 10) + " within " + spanMillis + " ms");
        }
        for (int i = 0; i + 7 < starts.size(); i++) {
            long spanMillis = (starts.get(i + 7) - starts.get(i)) / 1_000_000;
            assertTrue(spanMillis >= 100, "starts " + i + " to " + (i + 7) + " within " + spanMillis + " ms");
        }
        long allMillis = (starts.get(starts.size() - 1) - starts.get(0)) / 1_000_000;
        assertTrue(allMillis >= 1_000 && allMillis < 3_000, "30 starts took " + allMillis + " ms");
    }

    @Test
    void a_rate_limited_type_starts_at_its_rate_and_no_faster() throws Exception {
        TaskQueue queue = closing(openQueue());
        assertRate(runRated(List.of(queue)));
        assertEquals(0, queue.pending());
    }

    /** A single enqueue of a limited task is never handed straight to an idle worker past the limit. */
    @Test
    void enqueues_one_at_a_time_to_idle_workers_keep_the_limit() throws Exception {
        TaskQueue queue = closing(openQueue());
        Concurrency limited = new Concurrency();
        CountDownLatch twoHeld = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(6);
        closing(Foreman.builder(queue)
                .workers(8)
                .handle(LIMITED, args -> {
                    limited.enter();
                    try {
                        twoHeld.countDown();
                        assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    } finally {
                        limited.leave();
                        all.countDown();
                    }
                })
                .start());
        for (int i = 0; i < 6; i++) {
            queue.enqueue(LIMITED, new Job(i));
        }
        assertTrue(twoHeld.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(4, queue.pending(), "four wait, six workers idle");
        release.countDown();
        assertTrue(all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(2, limited.most.get());
    }
}
