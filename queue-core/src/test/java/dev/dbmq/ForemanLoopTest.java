package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The foreman loop's rules with a scripted claim side and scripted handlers: no database, no sleeps. Each claim the
 * loop makes waits until the test answers it (tasks, or a Throwable), so the test decides what a claim finds and
 * when; each task runs until the test finishes it. Waits are bounded by {@link #WAIT_SECONDS} as a hang guard only.
 */
class ForemanLoopTest {

    private static final long WAIT_SECONDS = 20;
    private static final String FOREMAN_THREAD = "test-foreman";

    private final ScriptedClaims claims = new ScriptedClaims();
    private final ScriptedRunner runner = new ScriptedRunner();
    private final Events events = new Events();
    private ExecutorService pool;
    private ForemanLoop loop;
    private Thread thread;

    private void start(int workers, int batchSize, boolean drainOnStop) {
        start(workers, batchSize, drainOnStop, InstantSource.system());
    }

    private void start(int workers, int batchSize, boolean drainOnStop, InstantSource clock) {
        start(workers, batchSize, drainOnStop, clock, null);
    }

    /** @param jobStart when given, a job given to the pool starts only once this opens (null: at once) */
    private void start(int workers, int batchSize, boolean drainOnStop, InstantSource clock, CountDownLatch jobStart) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> new Thread(r, "test-worker-" + n.incrementAndGet())) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                try {
                    if (jobStart != null && !jobStart.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the job start");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        // Nothing is counted (the runner is a fake), so the counters never flush and need no database.
        loop = new ForemanLoop("test", claims, runner, new TaskCounters(null, java.time.InstantSource.system(), false), GuardedListener.of(events), pool,
                workers, batchSize, TimeUnit.HOURS.toNanos(1), drainOnStop, TimeUnit.HOURS.toNanos(1), clock);
        thread = new Thread(loop, FOREMAN_THREAD);
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (loop == null) {
            return;
        }
        loop.requestStop(System.nanoTime());
        loop.abandon(System.nanoTime());
        claims.answerAllEmpty();
        runner.finishAll();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        pool.shutdownNow();
        assertFalse(thread.isAlive(), "the loop ended");
    }

    @Test
    void the_unhandled_check_runs_at_start_then_the_first_claim_asks_for_the_free_workers_up_to_batch_size()
            throws Exception {
        start(4, 3, false);
        ClaimCall first = claims.next();
        assertEquals(1, claims.unhandledChecks.get());
        assertEquals(3, first.limit);
        assertEquals(FOREMAN_THREAD, first.thread.getName());
    }

    @Test
    void overdue_tasks_without_a_handler_are_kept_a_batch_at_a_time_only_when_no_claim_could_run() throws Exception {
        claims.sweepsLeft.set(3); // the look at start finds overdue ones: three batches to keep
        start(1, 10, false);
        ClaimCall first = claims.next(); // due work first: the claim comes before any batch
        first.answer(task(1)); // full (one free worker): there may be more
        Run one = runner.next();
        one.finish();
        ClaimCall second = claims.next(); // the worker claims for its slot as it ends
        second.answer(); // empty: the queue is idle now
        assertTrue(claims.swept.await(WAIT_SECONDS, TimeUnit.SECONDS), "the batches were never all kept");
        assertEquals(List.of("look", "claim", "claim", "sweep", "sweep", "sweep"), claims.order);
        // nothing more to keep: the loop waits idle, and a wakeup claims as usual
        loop.wake();
        claims.next().answer();
        assertEquals(List.of("look", "claim", "claim", "sweep", "sweep", "sweep", "claim"), claims.order);
    }

    /**
     * A wakeup that comes while a job given to the pool waits to start: the loop leaves the claim to that job's worker
     * only while it has not started; once it has (its task may run for long), the loop claims for the free workers.
     * Before, it waited for that task to end, or for the next count flush or look for unhandled names (minutes).
     */
    @Test
    void a_wakeup_while_a_job_waits_to_start_is_claimed_for_once_the_job_has_started() throws Exception {
        CountDownLatch jobStart = new CountDownLatch(1);
        start(3, 10, false, InstantSource.system(), jobStart);
        claims.next().answer(task(1)); // not full: one task, on a job that waits to start
        awaitClaimEnded();
        loop.wake(); // a producer commits a task while the job waits
        // the loop sees it and waits (busy): the job's worker would claim when its task ends
        assertTrue(loop.awaitDecided(NextStep.Kind.WAIT, TimeUnit.SECONDS.toNanos(WAIT_SECONDS)), "the loop saw it");
        jobStart.countDown();
        Run one = runner.next(); // the job started; its task runs on, and two workers are free
        ClaimCall second = claims.next();
        assertEquals(2, second.limit);
        assertEquals(FOREMAN_THREAD, second.thread.getName());
        second.answer();
        one.finish();
    }

    @Test
    void a_claim_that_returns_more_rows_than_asked_starts_only_as_many_as_there_are_free_workers() throws Exception {
        start(2, 10, false);
        ClaimCall first = claims.next();
        assertEquals(2, first.limit);
        first.answer(task(1), task(2), task(3));
        Run one = runner.next();
        Run two = runner.next();
        awaitClaimEnded();
        assertEquals(List.of(1L, 2L), List.of(one.task.id(), two.task.id()).stream().sorted().toList());
        assertEquals(List.of(3L), claims.givenBackIds());
        assertNull(runner.started.poll(), "a third task started on two workers");
        // The claim was full: as soon as a slot frees, its worker claims for it itself, for that one slot.
        one.finish();
        ClaimCall second = claims.next();
        assertEquals(1, second.limit);
        assertNotEquals(FOREMAN_THREAD, second.thread.getName());
        second.answer();
        two.finish();
        events.awaitIdle();
    }

    @Test
    void a_claim_that_throws_an_error_is_survived_reported_and_tried_again() throws Exception {
        start(2, 10, false);
        Error error = new OutOfMemoryError("scripted");
        claims.next().fail(error);
        assertEquals(new ForemanEvent.ClaimFailed("test", error, Duration.ofMillis(100)),
                events.claimFailures.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the first backoff is 100 ms");
        ClaimCall again = claims.next();
        assertEquals(FOREMAN_THREAD, again.thread.getName());
        again.answer(task(1));
        runner.next().finish();
        events.awaitIdle();
        assertTrue(thread.isAlive());
    }

    @Test
    void consecutive_claim_failures_back_off_longer_each_time() throws Exception {
        start(1, 10, false);
        // Lower bounds only: a busy machine makes the gaps longer, never shorter.
        long[] minimumGapMillis = {100, 200, 400};
        ClaimCall call = claims.next();
        for (long gap : minimumGapMillis) {
            long failedAt = System.nanoTime();
            call.fail(new IllegalStateException("scripted"));
            call = claims.next();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(call.calledAt - failedAt);
            assertTrue(tookMillis >= gap, "claimed again after " + tookMillis + " ms, backoff " + gap + " ms");
        }
        call.answer();
        events.awaitIdle();
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)),
                events.claimFailures.stream().map(ForemanEvent.ClaimFailed::backoff).toList(),
                "the listener is told each backoff");
    }

    @Test
    void a_claim_still_waiting_for_the_database_when_the_foreman_is_abandoned_rolls_back() throws Exception {
        start(2, 10, false);
        ClaimCall blocked = claims.next();
        loop.requestStop(System.nanoTime());
        assertTrue(loop.abandon(System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS)),
                "nothing was committing");
        blocked.answer(task(1), task(2)); // the database lets the claim go on: it must not commit
        assertFalse(blocked.committed.get(WAIT_SECONDS, TimeUnit.SECONDS));
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive());
        assertNull(runner.started.poll(), "a task of the rolled-back claim ran");
        assertEquals(0, claims.nextDueReads.get(), "read the due time after close() returned");
        assertEquals(0, events.idle.availablePermits(), "reported idle after close() returned");
    }

    @Test
    void a_wakeup_during_a_claim_makes_exactly_one_more_claim() throws Exception {
        start(2, 10, false);
        claims.next().answer();
        events.awaitIdle();
        loop.wake();
        ClaimCall woken = claims.next();
        loop.wake(); // two producers commit while the claim runs: the claim may have missed both
        loop.wake();
        woken.answer();
        ClaimCall again = claims.next();
        assertEquals(FOREMAN_THREAD, again.thread.getName());
        again.answer();
        events.awaitIdle();
        // Absence can only be checked for a while: a wrong extra claim would follow at once.
        assertNull(claims.calls.poll(200, TimeUnit.MILLISECONDS), "a third claim for two coalesced wakeups");
    }

    @Test
    void a_stop_while_a_worker_claims_refuses_that_claim_and_ends_the_loop() throws Exception {
        start(2, 10, false);
        Run two = stopWhileAWorkerClaims();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive(), "the loop ended");
        two.finish();
        assertNull(runner.started.poll(), "task 3 ran");
        assertNull(claims.calls.poll(), "claimed after the stop");
    }

    @Test
    void with_drain_on_stop_a_refused_worker_claim_is_followed_by_the_foreman_threads_drain() throws Exception {
        start(2, 10, true);
        Run two = stopWhileAWorkerClaims();
        ClaimCall drain = claims.next();
        assertEquals(FOREMAN_THREAD, drain.thread.getName());
        assertEquals(1, drain.limit, "one worker is still busy");
        drain.answer(task(3));
        Run three = runner.next();
        assertEquals(3, three.task.id());
        two.finish();
        ClaimCall last = claims.next();
        assertEquals(FOREMAN_THREAD, last.thread.getName());
        last.answer(); // empty: drained
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive(), "the loop ended once the queue was empty");
        three.finish();
    }

    @Test
    void drain_on_stop_claims_until_a_claim_is_not_full() throws Exception {
        runner.autoFinish = true;
        start(2, 10, true);
        claims.next().answer();
        events.awaitIdle();
        loop.requestStop(System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        ClaimCall drain = claims.next(); // a drain starts with a look, whatever the loop knew
        drain.answer(task(1), task(2));
        ClaimCall more = claims.next(); // the claim was full: there may be more
        assertEquals(FOREMAN_THREAD, more.thread.getName(), "workers don't claim after a stop");
        more.answer();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive(), "the loop ended after a claim that was not full");
        pool.shutdown();
        assertTrue(pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(2, runner.ran.size());
    }

    @Test
    void without_drain_on_stop_an_idle_loop_ends_without_claiming() throws Exception {
        start(2, 10, false);
        claims.next().answer();
        events.awaitIdle();
        loop.requestStop(System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.isAlive());
        assertNull(claims.calls.poll());
    }

    @Test
    void a_failed_attempt_whose_retry_was_written_makes_the_loop_look_again() throws Exception {
        start(2, 10, false);
        claims.next().answer(task(1));
        Run one = runner.next();
        events.awaitIdle(); // the claim was not full
        one.finish(true);
        claims.next().answer();
        events.awaitIdle();
    }

    @Test
    void an_idle_loop_claims_when_the_earliest_due_time_comes_without_being_woken() throws Exception {
        Instant epoch = Instant.ofEpochMilli(1_000_000);
        start(2, 10, false, () -> epoch); // the queue's clock stands still; the wait is measured by nanoTime
        claims.nextDueAt = epoch.toEpochMilli() + 150;
        ClaimCall first = claims.next();
        first.nowMillis = epoch.toEpochMilli();
        long answeredAt = System.nanoTime(); // before the loop reads the due time: a lower bound holds under load
        first.answer();
        events.awaitIdle();
        ClaimCall due = claims.next();
        assertEquals(FOREMAN_THREAD, due.thread.getName());
        long waited = due.calledAt - answeredAt;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "claimed " + waited / 1_000_000.0
                + " ms after the claim that read the due time, due 150 ms after it");
        claims.nextDueAt = Long.MAX_VALUE;
        due.answer();
    }

    @Test
    void a_hand_over_is_granted_while_idle_and_refused_while_a_claim_runs() throws Exception {
        start(2, 10, false);
        ClaimCall first = claims.next();
        assertNull(loop.reserve("t", "{}"), "handed over while the loop claims");
        first.answer();
        events.awaitIdle();
        Handoff a = loop.reserve("t", "{}");
        Handoff b = loop.reserve("t", "{}");
        assertNotNull(a);
        assertNotNull(b);
        assertNull(loop.reserve("t", "{}"), "a third slot on two workers");
        b.cancel(); // the producer's write failed: the slot goes back
        Handoff c = loop.reserve("t", "{}");
        assertNotNull(c);
        a.start(row(7));
        c.start(row(8));
        Run seven = runner.next();
        Run eight = runner.next();
        assertEquals(List.of(7L, 8L), List.of(seven.task.id(), eight.task.id()).stream().sorted().toList());
        assertEquals(2, loop.handedOver());
        assertNull(claims.calls.poll(), "a hand-over made the loop claim");
    }

    /**
     * Two tasks from a full claim; the first ends, its worker claims for itself, and a stop comes while that claim
     * runs: it must not commit. Returns the second task, still running.
     */
    private Run stopWhileAWorkerClaims() throws Exception {
        claims.next().answer(task(1), task(2)); // full: workers claim for themselves as they end
        Run one = runner.next();
        Run two = runner.next();
        awaitClaimEnded(); // tasks start before their claim ends; one ending earlier leaves the claim to the foreman
        one.finish();
        ClaimCall workers = claims.next();
        assertNotEquals(FOREMAN_THREAD, workers.thread.getName());
        loop.requestStop(System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        workers.answer(task(3));
        assertFalse(workers.committed.get(WAIT_SECONDS, TimeUnit.SECONDS), "a worker's claim committed after a stop");
        return two;
    }

    /** Waits for the claim under way to end: the loop signals each claim's end; the bound is the hang guard's. */
    private void awaitClaimEnded() throws InterruptedException {
        assertTrue(loop.awaitNoClaim(TimeUnit.SECONDS.toNanos(WAIT_SECONDS)), "the claim never ended");
    }

    private static TaskStore.Row row(long id) {
        return new TaskStore.Row(id, "t", "{}", 0, 0, 1, null, null, null, 1, null);
    }

    private static ClaimedTask task(long id) {
        return new ClaimedTask(row(id), null, null);
    }

    /** One claim the loop made, waiting for the test's answer. */
    static final class ClaimCall {
        final int limit;
        final Thread thread = Thread.currentThread();
        final long calledAt = System.nanoTime();
        private final BooleanSupplier mayCommit;
        private final CompletableFuture<Object> answer = new CompletableFuture<>();
        final CompletableFuture<Boolean> committed = new CompletableFuture<>();
        volatile long nowMillis = System.currentTimeMillis();

        ClaimCall(int limit, BooleanSupplier mayCommit) {
            this.limit = limit;
            this.mayCommit = mayCommit;
        }

        void answer(ClaimedTask... tasks) {
            answer.complete(List.of(tasks));
        }

        void fail(Throwable t) {
            answer.complete(t);
        }

        @SuppressWarnings("unchecked")
        Claims.Claim await() {
            Object a;
            try {
                a = answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the test never answered this claim", e);
            }
            if (a instanceof Error e) {
                committed.complete(false);
                throw e;
            }
            if (a instanceof RuntimeException e) {
                committed.complete(false);
                throw e;
            }
            List<ClaimedTask> tasks = (List<ClaimedTask>) a;
            boolean commit = mayCommit.getAsBoolean(); // as the real claim asks, just before its commit
            committed.complete(commit);
            return commit ? new Claims.Claim(tasks.size(), tasks, nowMillis)
                    : new Claims.Claim(0, List.of(), nowMillis);
        }
    }

    /** The claim side, scripted: every claim waits for the test. */
    static final class ScriptedClaims implements Claims {
        final BlockingQueue<ClaimCall> calls = new LinkedBlockingQueue<>();
        final List<ClaimCall> all = new CopyOnWriteArrayList<>();
        final List<ClaimedTask> givenBack = new CopyOnWriteArrayList<>();
        final AtomicInteger unhandledChecks = new AtomicInteger();
        /** Batches of overdue tasks without a handler the look finds; {@link #swept} opens when the last is kept. */
        final AtomicInteger sweepsLeft = new AtomicInteger();
        final CountDownLatch swept = new CountDownLatch(1);
        /** The claim side's calls in order: look, claim, sweep. */
        final List<String> order = new CopyOnWriteArrayList<>();
        volatile long nextDueAt = Long.MAX_VALUE;
        final AtomicInteger nextDueReads = new AtomicInteger();

        ClaimCall next() throws InterruptedException {
            ClaimCall call = calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(call, "no claim within " + WAIT_SECONDS + " s");
            return call;
        }

        List<Long> givenBackIds() {
            return givenBack.stream().map(ClaimedTask::id).toList();
        }

        void answerAllEmpty() {
            all.forEach(ClaimCall::answer);
        }

        @Override
        public Claim claim(int limit, BooleanSupplier mayCommit) {
            order.add("claim");
            ClaimCall call = new ClaimCall(limit, mayCommit);
            all.add(call);
            calls.add(call);
            return call.await();
        }

        @Override
        public void giveBack(List<ClaimedTask> unstarted, String why) {
            givenBack.addAll(unstarted);
        }

        @Override
        public long nextDueAt() {
            nextDueReads.incrementAndGet();
            return nextDueAt;
        }

        @Override
        public boolean checkUnhandled() {
            unhandledChecks.incrementAndGet();
            order.add("look");
            return sweepsLeft.get() > 0;
        }

        @Override
        public boolean sweepUnhandled() {
            order.add("sweep");
            boolean more = sweepsLeft.decrementAndGet() > 0;
            if (!more) {
                swept.countDown();
            }
            return more;
        }

        @Override
        public Decoded decodeForHandoff(String taskName, String args) {
            return new Decoded(null, args);
        }
    }

    /** One task on a worker, running until the test finishes it. */
    static final class Run {
        final ClaimedTask task;
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile boolean retried;

        Run(ClaimedTask task) {
            this.task = task;
        }

        void finish() {
            finished.countDown();
        }

        /** Ends as a failed attempt whose retry was written (true). */
        void finish(boolean retried) {
            this.retried = retried;
            finished.countDown();
        }
    }

    static final class ScriptedRunner implements AttemptRunner {
        final BlockingQueue<Run> started = new LinkedBlockingQueue<>();
        final List<Run> all = new CopyOnWriteArrayList<>();
        final List<Long> ran = new CopyOnWriteArrayList<>();
        volatile boolean autoFinish;

        Run next() throws InterruptedException {
            Run run = started.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(run, "no task started within " + WAIT_SECONDS + " s");
            return run;
        }

        void finishAll() {
            all.forEach(Run::finish);
        }

        @Override
        public boolean run(ClaimedTask task) {
            Run run = new Run(task);
            all.add(run);
            if (!autoFinish) {
                started.add(run);
                try {
                    if (!run.finished.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never finished task " + task.id());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ran.add(task.id());
            return run.retried;
        }
    }

    static final class Events implements ForemanListener {
        final Semaphore idle = new Semaphore(0);
        final BlockingQueue<ForemanEvent.ClaimFailed> claimFailures = new LinkedBlockingQueue<>();

        void awaitIdle() throws InterruptedException {
            assertTrue(idle.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), "the loop went idle");
        }

        @Override
        public void idle(ForemanEvent.Idle event) {
            idle.release();
        }

        @Override
        public void claimFailed(ForemanEvent.ClaimFailed event) {
            claimFailures.add(event);
        }
    }
}
