package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Lanes, whatever the database ({@link SqliteLanesTest}, {@link PostgresLanesTest}): each lane's tasks on its own
 * workers, claimed by its own loop, so a saturated lane delays no other. Waits on latches, never on sleeps.
 */
abstract class LanesContract extends ClosesAfterEach {

    record Job(int n) {
    }

    static final Task<Job> URGENT = Task.of("urgent", Job.class);
    static final Task<Job> EXPORT = Task.of("export", Job.class).lane("bulk");
    static final Task<Job> REPORT = Task.of("report", Job.class).lane("bulk");
    static final long TIMEOUT_SECONDS = 30;

    /** A new, empty queue. */
    abstract TaskQueue openQueue() throws Exception;

    /** Another queue on {@code queue}'s database, as another process (the CLI, say) would open it. */
    abstract TaskQueue reopen(TaskQueue queue) throws Exception;

    /** Bulk tasks hold every bulk worker; the default lane's tasks still run, each on a worker of its own lane. */
    @Test
    void a_saturated_lane_never_delays_another() throws Exception {
        TaskQueue queue = closing(openQueue());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bulkBusy = new CountDownLatch(2);
        AtomicInteger bulkRunning = new AtomicInteger();
        AtomicInteger bulkMostAtOnce = new AtomicInteger();
        java.util.concurrent.Semaphore bulkDone = new java.util.concurrent.Semaphore(0);
        Set<String> urgentThreads = ConcurrentHashMap.newKeySet();
        Set<String> bulkThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch urgentRan = new CountDownLatch(3);
        TaskHandler<Job> bulk = args -> {
            bulkThreads.add(Thread.currentThread().getName());
            bulkMostAtOnce.accumulateAndGet(bulkRunning.incrementAndGet(), Math::max);
            bulkBusy.countDown();
            try {
                assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } finally {
                bulkRunning.decrementAndGet();
                bulkDone.release();
            }
        };
        Foreman foreman = closing(Foreman.builder(queue)
                .lane("bulk", 2)
                .workers(1)
                .handle(EXPORT, bulk)
                .handle(REPORT, bulk)
                .handle(URGENT, args -> {
                    urgentThreads.add(Thread.currentThread().getName());
                    urgentRan.countDown();
                })
                .start());
        queue.enqueueAll(EXPORT, IntStream.range(0, 30).mapToObj(Job::new).toList());
        queue.enqueueAll(REPORT, IntStream.range(0, 30).mapToObj(Job::new).toList());
        assertTrue(bulkBusy.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "both bulk workers busy");

        for (int i = 0; i < 3; i++) {
            queue.enqueue(URGENT, new Job(i));
        }
        assertTrue(urgentRan.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "the default lane's tasks ran while every bulk worker was busy");
        assertEquals(2, bulkRunning.get(), "bulk still held");
        assertEquals(0, bulkDone.availablePermits());

        release.countDown();
        assertTrue(bulkDone.tryAcquire(60, TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(2, bulkMostAtOnce.get(), "never more bulk handlers at once than the lane's workers");
        assertEquals(1, urgentThreads.size(), "one default worker: " + urgentThreads);
        assertEquals(2, bulkThreads.size(), "two bulk workers: " + bulkThreads);
        assertTrue(java.util.Collections.disjoint(urgentThreads, bulkThreads), urgentThreads + " " + bulkThreads);
    }

    /** A lane's loop runs on a thread named for the lane; the default lane's keeps the name of a foreman's loop. */
    @Test
    void each_lane_has_its_own_loop_thread() throws Exception {
        TaskQueue queue = closing(openQueue());
        Foreman foreman = closing(Foreman.builder(queue).lane("bulk", 1)
                .handle(EXPORT, args -> { })
                .handle(URGENT, args -> { })
                .start());
        Set<String> names = new java.util.TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        assertTrue(names.contains(foreman.threadName("foreman")), names.toString());
        assertTrue(names.contains(foreman.threadName("foreman-bulk")), names.toString());
    }

    /** A lane's tasks handed over, enqueued and woken for reach its workers; a stop drains every lane. */
    @Test
    void every_lane_runs_its_tasks_and_a_stop_drains_them_all() throws Exception {
        TaskQueue queue = closing(openQueue());
        AtomicInteger ran = new AtomicInteger();
        java.util.concurrent.Semaphore done = new java.util.concurrent.Semaphore(0);
        Foreman foreman = Foreman.builder(queue).lane("bulk", 3).workers(2).drainOnStop(true)
                .handle(EXPORT, args -> {
                    ran.incrementAndGet();
                    done.release();
                })
                .handle(REPORT, args -> {
                    ran.incrementAndGet();
                    done.release();
                })
                .handle(URGENT, args -> {
                    ran.incrementAndGet();
                    done.release();
                })
                .start();
        for (int i = 0; i < 50; i++) {
            queue.enqueue(i % 3 == 0 ? URGENT : i % 3 == 1 ? EXPORT : REPORT, new Job(i));
        }
        assertTrue(done.tryAcquire(50, TIMEOUT_SECONDS, TimeUnit.SECONDS));
        queue.enqueueAll(EXPORT, IntStream.range(0, 200).mapToObj(Job::new).toList());
        queue.enqueueAll(URGENT, IntStream.range(0, 200).mapToObj(Job::new).toList());
        foreman.close();
        assertEquals(Foreman.State.STOPPED, foreman.state());
        assertEquals(450, ran.get(), "drained: every lane's tasks ran");
        assertEquals(0, queue.stats().pending());
    }

    /**
     * A paused lane claims nothing, from another process's pause on, woken (not polled: the backstop poll is an hour);
     * its running task finishes; the other lane runs on; a resume runs what waited. Persisted, shown in stats().
     */
    @Test
    void a_paused_lane_claims_nothing_until_resumed() throws Exception {
        TaskQueue queue = closing(openQueue());
        TaskQueue operator = closing(reopen(queue)); // as the CLI or the console of another process
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch longRunning = new CountDownLatch(1);
        java.util.concurrent.Semaphore exported = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.Semaphore urgent = new java.util.concurrent.Semaphore(0);
        Foreman foreman = closing(Foreman.builder(queue).lane("bulk", 2).pollInterval(Duration.ofHours(1))
                .handle(EXPORT, args -> {
                    if (args.n() == 0) {
                        longRunning.countDown();
                        assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    }
                    exported.release();
                })
                .handle(URGENT, args -> urgent.release())
                .start());
        queue.enqueue(EXPORT, new Job(0));
        assertTrue(longRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        assertTrue(operator.pause("bulk"));
        assertTrue(foreman.awaitPausedClaims("bulk", 1, Duration.ofSeconds(TIMEOUT_SECONDS)),
                "woken by the other process's pause, the lane's claim found it paused");
        long seen = foreman.pausedClaims("bulk");
        queue.enqueue(EXPORT, new Job(1));
        queue.enqueue(URGENT, new Job(2));
        assertTrue(foreman.awaitPausedClaims("bulk", seen + 1, Duration.ofSeconds(TIMEOUT_SECONDS)),
                "the enqueue woke the lane, whose claim found it paused");
        assertTrue(urgent.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the default lane runs on");
        release.countDown();
        assertTrue(exported.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the task running at the pause finished");
        assertEquals(0, exported.availablePermits(), "nothing of the paused lane started");
        assertEquals(1, queue.stats().pending());
        assertEquals(Set.of("bulk"), queue.stats().pausedLanes());
        assertEquals(Set.of("bulk"), operator.pausedLanes().keySet());
        assertTrue(!operator.pause("bulk"), "paused already");

        assertTrue(operator.resume("bulk"));
        assertTrue(exported.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS), "resumed: the waiting task ran");
        assertEquals(Set.of(), queue.stats().pausedLanes());
        assertTrue(!operator.resume("bulk"), "not paused");
    }

    /** A pause outlives the foreman: one started later leaves the lane alone until it is resumed. */
    @Test
    void a_pause_survives_a_restart() throws Exception {
        TaskQueue queue = closing(openQueue());
        assertTrue(queue.pause("bulk"));
        queue.enqueue(EXPORT, new Job(1));
        java.util.concurrent.Semaphore exported = new java.util.concurrent.Semaphore(0);
        try (TaskQueue again = reopen(queue);
             Foreman foreman = Foreman.builder(again).lane("bulk", 1).pollInterval(Duration.ofHours(1))
                     .handle(EXPORT, args -> exported.release()).start()) {
            assertTrue(foreman.awaitPausedClaims("bulk", 1, Duration.ofSeconds(TIMEOUT_SECONDS)),
                    "its first claim found the lane paused");
            assertEquals(0, exported.availablePermits());
            assertEquals(Set.of("bulk"), again.pausedLanes().keySet());
            again.resume("bulk");
            assertTrue(exported.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }
}
