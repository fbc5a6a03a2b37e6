package dev.dbmq;

import static dev.dbmq.TestTasks.BOOM;
import static dev.dbmq.TestTasks.ECHO;
import static dev.dbmq.TestTasks.SLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a foreman behaves, whatever the database: run against SQLite ({@link SqliteForemanTest}) and PostgreSQL
 * ({@link PostgresForemanTest}). What each database's {@link Backend} must do beneath it is {@link BackendContract}.
 */
abstract class ForemanContract {

    /** No test may pass thanks to the backstop poll: wakeups must do it. */
    static final Duration NO_POLL = Duration.ofHours(1);

    TaskQueue queue;
    final Recorder recorder = new Recorder();
    final List<AutoCloseable> toClose = new ArrayList<>();

    /** A new, empty queue for each test. */
    abstract TaskQueue openQueue() throws Exception;

    /** The settings of another handle on the same queue, as a second process would open it. */
    abstract QueueSettings.Builder sameQueueSettings();

    /** Another handle on the same queue, as a second process would open it. */
    TaskQueue openSameQueue() {
        return TaskQueue.open(sameQueueSettings().build());
    }

    /** The queue's database as {@link ChildMain} takes it: a SQLite path, or "pg:" and the schema. */
    abstract String childDb();

    /** Renames the queue's task table (so claims fail), or back. */
    abstract void renameTaskTable(String from, String to) throws Exception;

    /**
     * Another connection's open transaction that holds off the foreman's claims (SQLite: BEGIN IMMEDIATE; PostgreSQL:
     * a table lock) and has inserted {@code tasks} ECHO tasks, visible once it commits.
     */
    abstract WriteLockHolder holdWriteLock(int tasks) throws Exception;

    /**
     * Another handle on the same queue, closed after the test, whose statements give up waiting for another's lock
     * after about 100 ms (SQLite: busyTimeout; PostgreSQL: lock_timeout on its own pool's sessions).
     */
    abstract TaskQueue openImpatientQueue();

    interface WriteLockHolder extends AutoCloseable {
        /** Commits: the tasks appear, the lock is released. */
        void commit() throws Exception;
    }

    @BeforeEach
    void open() throws Exception {
        queue = openQueue();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        queue.close();
    }

    Foreman.Builder foreman() {
        return Foreman.builder(queue).listener(recorder).pollInterval(NO_POLL).stopOnShutdown(false);
    }

    Foreman started(Foreman.Builder builder) {
        Foreman f = builder.start();
        toClose.add(f);
        return f;
    }

    /**
     * What an enqueue interceptor stores reaches the handler's context (and a task interceptor's) for every enqueue
     * form, and every attempt of the task: a retry carries it too. Interceptors run outermost first.
     */
    @Test
    void metadata_an_enqueue_interceptor_puts_reaches_every_attempt_through_the_task_interceptors() throws Exception {
        List<String> around = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskQueue traced = TaskQueue.open(sameQueueSettings()
                .enqueueInterceptor(e -> {
                    e.putMetadata("trace", e.taskName() + "/" + e.taskCount());
                    e.putMetadata("outer", "yes");
                    around.add("outer " + e.proceed().size());
                })
                .enqueueInterceptor(e -> {
                    around.add("inner sees " + e.metadata().get("outer"));
                    e.putMetadata("outer", "replaced by inner");
                    e.proceed();
                })
                .build());
        toClose.add(traced);
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(1), 2));
        Map<String, String> seen = new ConcurrentHashMap<>();
        started(foreman()
                .interceptor(t -> {
                    seen.put("interceptor " + t.context().id() + " " + t.context().attempt(),
                            String.valueOf(t.context().metadata().get("trace")));
                    t.proceed();
                })
                .handle(ECHO, (a, ctx) -> seen.put("echo " + a.n(), ctx.metadata().toString()))
                .handle(flaky, (a, ctx) -> {
                    seen.put("flaky attempt " + ctx.attempt(), ctx.metadata().toString());
                    if (ctx.attempt() == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                }));
        Map<String, String> one = Map.of("trace", "echo/1", "outer", "replaced by inner");
        traced.enqueue(ECHO, new Echo(1));
        traced.enqueue(ECHO, new Echo(2), Enqueue.now().key("metadata-key"));
        traced.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofMillis(1)));
        traced.enqueueAll(ECHO, List.of(new Echo(4), new Echo(5)));
        long flakyId = traced.enqueue(flaky, new Echo(6));
        long plainId = queue.enqueue(ECHO, new Echo(7)); // a queue without interceptors
        recorder.awaitCount("succeeded", 7);
        assertEquals(one.toString(), seen.get("echo 1"));
        assertEquals(one.toString(), seen.get("echo 2"));
        assertEquals(one.toString(), seen.get("echo 3"));
        assertEquals(Map.of("trace", "echo/2", "outer", "replaced by inner").toString(), seen.get("echo 4"));
        assertEquals(seen.get("echo 4"), seen.get("echo 5"));
        assertEquals("{}", seen.get("echo 7"));
        Map<String, String> flakyMeta = Map.of("trace", "flaky/1", "outer", "replaced by inner");
        assertEquals(flakyMeta.toString(), seen.get("flaky attempt 1"));
        assertEquals(flakyMeta.toString(), seen.get("flaky attempt 2"), "the retry carries the metadata");
        assertEquals("flaky/1", seen.get("interceptor " + flakyId + " 2"));
        assertEquals("null", seen.get("interceptor " + plainId + " 1"), "echo 7 has none; " + seen);
        assertEquals(List.of("inner sees yes", "outer 1", "inner sees yes", "outer 1", "inner sees yes", "outer 1",
                "inner sees yes", "outer 2", "inner sees yes", "outer 1"), around);
    }

    @Test
    void workers_run_on_the_threads_of_the_given_factory() {
        AtomicInteger made = new AtomicInteger();
        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        started(foreman().workers(3).workerThreadFactory(r -> {
            Thread t = new Thread(r, "mine-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        }).handle(ECHO, a -> ranOn.add(Thread.currentThread().getName())));
        assertEquals(3, made.get(), "all workers are made at start");
        for (int i = 0; i < 50; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        recorder.awaitCount("succeeded", 50);
        assertTrue(ranOn.stream().allMatch(n -> n.startsWith("mine-")), "ran on " + ranOn);
        assertEquals(3, made.get(), "no thread beyond the pool's");
    }

    @Test
    void a_worker_thread_factory_that_fails_fails_the_start_and_claims_nothing() {
        queue.enqueue(ECHO, new Echo(1));
        AtomicInteger calls = new AtomicInteger();
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> foreman().workers(4)
                .workerThreadFactory(r -> {
                    if (calls.incrementAndGet() == 3) {
                        throw new IllegalStateException("no more threads");
                    }
                    return new Thread(r);
                }).handle(ECHO, a -> { }).start());
        assertTrue(thrown.getMessage().contains("workerThreadFactory"), thrown.getMessage());
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> foreman()
                .workerThreadFactory(r -> null).handle(ECHO, a -> { }).start());
        assertTrue(nul.getMessage().contains("workerThreadFactory returned null"), nul.getMessage());
        assertEquals(1, queue.pending(), "nothing was claimed");
        started(foreman().handle(ECHO, a -> { })); // and the failed starts left nothing held
        recorder.awaitCount("succeeded", 1);
    }

    /** JDK 21+ (CI runs the jdk21 tag on the newest JDK too): 100 handlers that block at once on 100 virtual workers. */
    @Test
    @org.junit.jupiter.api.Tag("jdk21")
    void virtual_threads_as_workers_run_a_hundred_blocking_handlers_at_once() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads: JDK 21+");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        java.util.concurrent.ThreadFactory virtual = (java.util.concurrent.ThreadFactory)
                Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        java.lang.reflect.Method isVirtual = Thread.class.getMethod("isVirtual");
        CountDownLatch allRunning = new CountDownLatch(100);
        AtomicInteger onVirtual = new AtomicInteger();
        started(foreman().workers(100).workerThreadFactory(virtual).handle(ECHO, a -> {
            try {
                if ((Boolean) isVirtual.invoke(Thread.currentThread())) {
                    onVirtual.incrementAndGet();
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            allRunning.countDown();
            if (!allRunning.await(30, TimeUnit.SECONDS)) { // blocks until all 100 run at once
                throw new IllegalStateException("not all 100 handlers ran at once");
            }
        }));
        List<Echo> args = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            args.add(new Echo(i));
        }
        queue.enqueueAll(ECHO, args);
        assertTrue(allRunning.await(30, TimeUnit.SECONDS), allRunning.getCount() + " of 100 never started");
        recorder.awaitCount("succeeded", 100);
        assertEquals(100, onVirtual.get());
    }

    @Test
    void wakes_up_when_a_task_is_enqueued() {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        started(foreman().handle(ECHO, a -> seen.add(a.n())));
        recorder.awaitIdleAfter(0);
        for (int i = 0; i < 500; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        recorder.awaitCount("succeeded", 500);
        assertEquals(500, seen.size());
        assertEquals(0, queue.pending());
    }

    @Test
    void enqueueAll_is_run_after_one_wakeup() {
        started(foreman().handle(ECHO, a -> { }));
        recorder.awaitIdleAfter(0);
        List<Echo> args = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            args.add(new Echo(i));
        }
        queue.enqueueAll(ECHO, args);
        recorder.awaitCount("succeeded", 1000);
    }

    @Test
    void drains_the_backlog_at_start_in_batches() {
        for (int i = 0; i < 250; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        started(foreman().handle(ECHO, a -> { }).batchSize(100).workers(2));
        recorder.awaitCount("succeeded", 250);
        assertEquals(0, queue.pending());
    }

    @Test
    void never_claims_more_tasks_than_free_workers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            queue.enqueue(SLOW, new Echo(i));
        }
        Foreman f = started(foreman().workers(2).handle(SLOW, a -> release.await()));
        recorder.awaitCount("started", 2);
        // Both workers are busy: the other 8 must still be in the queue, not claimed and waiting in memory.
        assertEquals(8, queue.pending());
        assertEquals(2, f.busyWorkers());
        release.countDown();
        recorder.awaitCount("succeeded", 10);
        assertEquals(0, queue.pending());
    }

    @Test
    void while_busy_a_worker_claims_for_its_own_free_slot_and_runs_the_task_itself() throws Exception {
        Semaphore permits = new Semaphore(0);
        Map<Integer, String> threadOf = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicReference<String> firstToEnd = new AtomicReference<>();
        for (int i = 0; i < 10; i++) {
            queue.enqueue(SLOW, new Echo(i));
        }
        Foreman f = started(foreman().workers(2).handle(SLOW, a -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            threadOf.put(a.n(), Thread.currentThread().getName());
            try {
                permits.acquire();
                firstToEnd.compareAndSet(null, Thread.currentThread().getName());
            } finally {
                inFlight.decrementAndGet();
            }
        }));
        recorder.awaitCount("started", 2);
        assertEquals(1, f.foremanClaims()); // the backlog at start: 2 tasks, a full claim
        // Its tasks run before the claim has ended (dispatch comes first): a task ending before that leaves the next
        // claim to the foreman thread, rightly, as one claim runs at a time. Wait for the end, on a slow machine too.
        recorder.await(() -> !f.claimUnderWay(), "the start's claim to end");
        permits.release();
        recorder.await(() -> threadOf.size() == 3, "a third task in its handler");
        // The worker whose task ended claimed for its one free slot and ran what it claimed: no hop to another thread.
        assertEquals(7, queue.pending());
        assertEquals(1, f.workerClaims());
        assertEquals(1, f.foremanClaims());
        assertEquals(firstToEnd.get(), threadOf.get(2), threadOf.toString()); // tasks 0 and 1 ran first
        permits.release(9);
        recorder.awaitCount("succeeded", 10);
        assertEquals(0, queue.pending());
        assertEquals(2, maxInFlight.get()); // whoever claimed, never for more than the free slots
    }

    @Test
    void a_handler_that_throws_is_reported_kept_and_does_not_kill_the_worker() {
        started(foreman().workers(1)
                .handle(BOOM, a -> {
                    throw new IllegalStateException("boom " + a.n());
                })
                .handle(ECHO, a -> { }));
        long boomId = queue.enqueue(BOOM, new Echo(7));
        queue.enqueue(ECHO, new Echo(1));
        recorder.awaitCount("succeeded", 1);
        recorder.awaitCount("failed", 1);
        assertEquals("boom 7", recorder.failures.get(0).getMessage());
        List<FailedTask> failed = queue.failedTasks(10);
        assertEquals(1, failed.size());
        assertEquals(boomId, failed.get(0).id());
        assertEquals("boom", failed.get(0).taskName());
        assertEquals("{\"n\":7}", failed.get(0).args());
        assertTrue(failed.get(0).reason().contains("IllegalStateException: boom 7"), failed.get(0).reason());
    }

    @Test
    void unknown_names_and_bad_args_are_kept_and_never_use_up_worker_slots() throws Exception {
        int workers = 2;
        // 2 x workers bad tasks first (snappea hung here), written by "another tool" straight into the table.
        queue.database().autocommit(dsl -> {
            for (int i = 0; i < workers; i++) {
                TaskStore.insert(dsl, "no-such-task", "{\"n\":1}", null, 0, 0, 1);
                TaskStore.insert(dsl, "echo", "{not json", null, 0, 0, 1);
            }
            return null;
        });
        started(foreman().workers(workers).handle(ECHO, a -> { }));
        recorder.awaitCount("rejected", 2L * workers);
        for (int i = 0; i < 10; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        recorder.awaitCount("succeeded", 10);
        List<FailedTask> failed = queue.failedTasks(100);
        assertEquals(2 * workers, failed.size());
        assertEquals(workers, failed.stream().filter(f -> f.reason().startsWith("no handler for task name")).count());
        assertEquals(workers, failed.stream().filter(f -> f.reason().startsWith("args cannot be decoded")).count());
        assertEquals(0, queue.pending());
    }

    @Test
    void a_requeued_failed_task_runs_again() {
        AtomicBoolean fail = new AtomicBoolean(true);
        started(foreman().handle(BOOM, a -> {
            if (fail.get()) {
                throw new IllegalStateException("not yet");
            }
        }));
        long id = queue.enqueue(BOOM, new Echo(1));
        recorder.awaitCount("failed", 1);
        fail.set(false);
        long newId = queue.requeueFailed(id).orElseThrow();
        assertTrue(newId > id);
        recorder.awaitCount("succeeded", 1);
        assertTrue(queue.failedTasks(10).isEmpty());
        assertFalse(queue.requeueFailed(id).isPresent());
    }

    @Test
    void refuses_to_start_without_handlers() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Foreman.builder(queue).start());
        assertTrue(e.getMessage().contains("no handlers"), e.getMessage());
    }

    @Test
    void rejects_bad_settings_naming_the_setting() {
        Foreman.Builder b = Foreman.builder(queue);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.workers(0)).getMessage()
                .startsWith("workers must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage()
                .startsWith("batchSize must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.gracefulTimeout(Duration.ofSeconds(-1)))
                .getMessage().startsWith("gracefulTimeout must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.pollInterval(Duration.ZERO)).getMessage()
                .startsWith("pollInterval must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.unhandledTimeout(Duration.ofDays(-1)))
                .getMessage().startsWith("unhandledTimeout must be"));
        b.handle(ECHO, a -> { });
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.handle(ECHO, a -> { })).getMessage()
                .contains("already registered"));
        Task<Echo> once = Task.of("once", Echo.class).delivery(Delivery.AT_LEAST_ONCE);
        String refused = assertThrows(IllegalArgumentException.class, () -> b.handle(once, a -> { })).getMessage();
        assertTrue(refused.startsWith("task once: delivery AT_LEAST_ONCE") && refused.contains("Task.retry"), refused);
    }

    /** Calls close() on another thread and releases the latch once close() is blocked waiting. */
    Thread closeThenRelease(Foreman f, CountDownLatch release) {
        Thread closer = new Thread(f::close, "closer");
        closer.start();
        recorder.await(() -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.WAITING, "close() to wait");
        release.countDown();
        return closer;
    }

    @Test
    void close_waits_for_running_handlers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Foreman f = started(foreman().gracefulTimeout(Duration.ofSeconds(30)).handle(SLOW, a -> {
            release.await();
            finished.set(true);
        }));
        queue.enqueue(SLOW, new Echo(1));
        recorder.awaitCount("started", 1);
        Thread closer = closeThenRelease(f, release);
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(closer.isAlive());
        assertTrue(finished.get(), "close() returned before the running handler finished");
        assertEquals(1, recorder.count("succeeded"));
    }

    @Test
    void a_handler_ignoring_interruption_cannot_hold_close_past_the_graceful_timeout() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch neverReleased = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Foreman f = started(foreman().gracefulTimeout(Duration.ofMillis(200)).handle(SLOW, a -> {
            running.countDown();
            while (true) { // ignores interruption, as a badly written handler would
                try {
                    neverReleased.await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    if (neverReleased.getCount() == 0) {
                        return;
                    }
                }
            }
        }));
        queue.enqueue(SLOW, new Echo(1));
        assertTrue(running.await(30, TimeUnit.SECONDS));
        // A hang guard, not a speed test: close() must return although the handler never ends.
        assertTimeoutPreemptively(Duration.ofSeconds(20), f::close);
        assertTrue(interrupted.get(), "the handler was not interrupted after the graceful timeout");
        // The lock is released: a new foreman can start.
        started(Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false));
        neverReleased.countDown();
    }

    @Test
    void drain_on_stop_finishes_the_backlog_first() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Foreman f = started(foreman().workers(1).drainOnStop(true).handle(SLOW, a -> release.await())
                .handle(ECHO, a -> { }));
        queue.enqueue(SLOW, new Echo(0));
        recorder.awaitCount("started", 1);
        for (int i = 0; i < 20; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        closeThenRelease(f, release).join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(0, queue.pending());
        assertEquals(21, recorder.count("succeeded"));
    }

    @Test
    void without_drain_on_stop_the_backlog_stays_queued() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Foreman f = started(foreman().workers(1).handle(SLOW, a -> release.await()).handle(ECHO, a -> { }));
        queue.enqueue(SLOW, new Echo(0));
        recorder.awaitCount("started", 1);
        for (int i = 0; i < 20; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        closeThenRelease(f, release).join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(20, queue.pending());
        assertEquals(1, recorder.count("succeeded"));
    }

    @Test
    void close_is_idempotent_and_safe_from_several_threads() throws Exception {
        Foreman f = started(foreman().handle(ECHO, a -> { }));
        Thread other = new Thread(f::close);
        other.start();
        f.close();
        other.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(other.isAlive());
        f.close();
    }

    @Test
    void counts_done_and_failed_per_task_in_the_database() {
        started(foreman().handle(ECHO, a -> { }).handle(BOOM, a -> {
            throw new IllegalArgumentException("x");
        }));
        for (int i = 0; i < 5; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        queue.enqueue(BOOM, new Echo(0));
        recorder.awaitCount("succeeded", 5);
        recorder.awaitCount("failed", 1);
        // flushed when the foreman goes idle
        recorder.await(() -> {
            QueueStats s = queue.stats();
            return s.counts().containsKey("echo") && s.counts().get("echo").done() == 5
                    && s.counts().containsKey("boom") && s.counts().get("boom").failed() == 1;
        }, "counts in the database");
        QueueStats stats = queue.stats();
        assertEquals(0, stats.pending());
        assertEquals(Duration.ZERO, stats.oldestTaskAge());
        assertEquals(1, stats.failedKept());
    }

    @Test
    void runs_each_task_once_with_many_producers() throws Exception {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> duplicates = new java.util.concurrent.CopyOnWriteArrayList<>();
        started(foreman().workers(4).handle(ECHO, a -> {
            if (!seen.add(a.n())) {
                duplicates.add(a.n());
            }
        }));
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1000;
            producers.add(new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    queue.enqueue(ECHO, new Echo(base + i));
                }
            }));
        }
        producers.forEach(Thread::start);
        for (Thread t : producers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        recorder.awaitCount("succeeded", 4000);
        assertEquals(List.of(), duplicates);
        assertEquals(4000, seen.size());
        assertEquals(Set.of(), recorder.events.stream().filter(e -> !e.kind().equals("started")
                && !e.kind().equals("succeeded")).collect(Collectors.toSet()));
    }

    // ---- no claimed task lost, no foreman stranded ----

    /** A listener that records, then throws an Error from the named hooks. */
    /** A listener that throws an Error from these hooks and does nothing else (the recorder is a listener of its own). */
    ForemanListener throwingFrom(String... hooks) {
        Set<String> throwing = Set.of(hooks);
        return new ForemanListener() {
            private void maybeThrow(String hook) {
                if (throwing.contains(hook)) {
                    throw new AssertionError("a test listener's " + hook + " failed");
                }
            }

            @Override
            public void taskStarted(TaskEvent.Started e) {
                maybeThrow("taskStarted");
            }

            @Override
            public void taskSucceeded(TaskEvent.Succeeded e) {
                maybeThrow("taskSucceeded");
            }

            @Override
            public void taskFailed(TaskEvent.Failed e) {
                maybeThrow("taskFailed");
            }

            @Override
            public void taskRetrying(TaskEvent.Retrying e) {
                maybeThrow("taskRetrying");
            }

            @Override
            public void taskRejected(TaskEvent.Rejected e) {
                maybeThrow("taskRejected");
            }

            @Override
            public void claimFailed(ForemanEvent.ClaimFailed e) {
                maybeThrow("claimFailed");
            }

            @Override
            public void idle(ForemanEvent.Idle e) {
                maybeThrow("idle");
            }
        };
    }

    Thread loopThread(Foreman f) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(f.threadName("foreman"))).findFirst().orElseThrow();
    }

    @Test
    void a_listener_throwing_errors_from_every_task_hook_costs_no_task() {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        started(foreman().workers(2)
                .listener(throwingFrom("taskStarted", "taskSucceeded", "taskFailed", "taskRetrying", "idle"))
                .handle(ECHO, a -> ran.add(a.n()))
                .handle(BOOM.retry(Retry.fixed(Duration.ofMillis(20), 2)), a -> {
                    throw new IllegalStateException("boom");
                }));
        for (int i = 0; i < 20; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        long boom = queue.enqueue(BOOM, new Echo(99));
        recorder.await(() -> ran.size() == 20, "all 20 tasks to run, ran " + ran);
        recorder.awaitCount("failed", 1);
        // The retry commits (and may run and fail on the other worker) before the worker that wrote it tells the
        // listeners: on a busy machine taskRetrying can come after taskFailed, so it is waited for, not assumed.
        recorder.awaitCount("retrying", 1);
        assertEquals(1, recorder.count("retrying"), "its first attempt was retried, the listener's throw ignored");
        recorder.await(() -> !queue.failedTasks(10).isEmpty(), "the failed task to be kept");
        assertEquals(List.of(boom), queue.failedTasks(10).stream().map(FailedTask::id).toList());
        assertEquals(0, queue.pending());
    }

    @Test
    void the_task_events_tell_the_listener_the_attempt_the_handler_gets_and_the_foreman_that_ran_it() {
        List<TaskEvent> heard = new CopyOnWriteArrayList<>();
        AtomicReference<TaskContext> handled = new AtomicReference<>();
        Foreman f = started(foreman().listener(new ForemanListener() {
            @Override
            public void taskStarted(TaskEvent.Started e) {
                heard.add(e);
            }

            @Override
            public void taskSucceeded(TaskEvent.Succeeded e) {
                heard.add(e);
            }
        }).handle(ECHO, (ContextualTaskHandler<Echo>) (a, ctx) -> handled.set(ctx)));
        long id = queue.enqueue(ECHO, new Echo(1));
        recorder.awaitCount("succeeded", 1);
        recorder.await(() -> heard.size() == 2, "both events, saw " + heard);
        TaskContext context = handled.get();
        assertEquals(new TaskEvent.Started(id, "echo", 1, f.id(), context), heard.get(0));
        TaskEvent.Succeeded succeeded = (TaskEvent.Succeeded) heard.get(1);
        assertEquals(new TaskEvent.Succeeded(id, "echo", 1, f.id(), context, succeeded.took()), succeeded);
        assertEquals(id, context.id());
        assertEquals(1, context.attempt());
    }

    @Test
    void listeners_are_called_in_the_order_added_each_guarded_so_one_that_throws_first_costs_the_next_nothing() {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        ForemanListener first = new ForemanListener() {
            @Override
            public void taskSucceeded(TaskEvent.Succeeded e) {
                order.add("first " + e.taskId());
                throw new AssertionError("the first listener failed");
            }
        };
        ForemanListener second = new ForemanListener() {
            @Override
            public void taskSucceeded(TaskEvent.Succeeded e) {
                order.add("second " + e.taskId());
            }
        };
        started(Foreman.builder(queue).pollInterval(NO_POLL).stopOnShutdown(false).workers(1)
                .listener(throwingFrom("taskStarted", "taskSucceeded", "idle")).listener(first).listener(second)
                .listener(recorder).handle(ECHO, a -> ran.add(a.n())));
        long id = queue.enqueue(ECHO, new Echo(1));
        recorder.awaitCount("succeeded", 1);
        assertEquals(List.of("first " + id, "second " + id), order, "both called, in the order added");
        assertEquals(1, recorder.count("started"), "the last listener still told, after two that threw");
        assertEquals(Set.of(1), ran);
    }

    @Test
    void a_listener_throwing_an_error_from_taskRejected_costs_no_other_task_of_the_claim() {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        queue.database().autocommit(dsl -> {
            TaskStore.insert(dsl, "no-such-task", "{\"n\":1}", null, 0, 0, 1);
            for (int i = 0; i < 3; i++) {
                TaskStore.insert(dsl, "echo", "{\"n\":" + i + "}", null, 0, 0, 1);
            }
            return null;
        });
        Foreman f = started(foreman().workers(4).listener(throwingFrom("taskRejected"))
                .handle(ECHO, a -> ran.add(a.n())));
        recorder.await(() -> ran.size() == 3, "the claim's 3 good tasks to run, ran " + ran);
        // kept as failed between claims, by the listener's throw
        recorder.await(() -> queue.failedTasks(10).size() == 1, "the task without a handler to be kept as failed");
        assertEquals(0, queue.pending());
        assertTrue(f.isRunning());
    }

    @Test
    void the_loop_survives_a_listener_throwing_from_claimFailed_and_interrupts_while_idle_and_backing_off()
            throws Exception {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Foreman f = started(foreman().listener(throwingFrom("claimFailed")).handle(ECHO, a -> ran.add(a.n())));
        recorder.awaitIdleAfter(0);
        Thread loop = loopThread(f);
        // Interrupted while idle: the interrupt is consumed (the flag clears) and ignored.
        loop.interrupt();
        recorder.await(() -> !loop.isInterrupted(), "the loop to see the interrupt");
        queue.enqueue(ECHO, new Echo(1));
        recorder.await(() -> ran.contains(1), "a task after an interrupt while idle");
        // Claims fail, claimFailed throws an Error, and the loop is interrupted in its backoff.
        renameTaskTable("dbmq_task", "dbmq_task_away");
        queue.wake(false);
        recorder.awaitCount("claimFailed", 1);
        loop.interrupt();
        recorder.await(() -> !loop.isInterrupted(), "the loop to see the interrupt");
        renameTaskTable("dbmq_task_away", "dbmq_task");
        queue.enqueue(ECHO, new Echo(2));
        recorder.await(() -> ran.contains(2), "a task after failing claims and an interrupted backoff");
        assertTrue(loop.isAlive());
        assertEquals(Foreman.State.RUNNING, f.state());
    }

    @Test
    void a_claim_that_waits_for_the_database_past_close_rolls_back_and_loses_no_task() throws Exception {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Foreman f = started(foreman().workers(4).gracefulTimeout(Duration.ofMillis(200))
                .handle(ECHO, a -> ran.add(a.n())));
        recorder.awaitIdleAfter(0);
        Thread loop = loopThread(f);
        try (WriteLockHolder other = holdWriteLock(4)) {
            queue.wake(false); // the claim now waits for the other transaction
            recorder.await(() -> Arrays.stream(loop.getStackTrace())
                    .anyMatch(e -> e.getMethodName().equals("transaction")), "the claim to wait for the database");
            long t0 = System.nanoTime();
            f.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // Not a speed test: close() once waited for the claim (the busy timeout, 30 s here).
            assertTrue(tookMillis < 10_000, "close() took " + tookMillis + " ms");
            other.commit(); // the claim goes on now, after close() returned and the pool is gone
            loop.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(loop.isAlive());
        }
        assertEquals(Set.of(), ran);
        assertEquals(4, queue.pending(), "the late claim must roll back, leaving its 4 tasks queued");
        assertEquals(List.of(), queue.failedTasks(10));
        // and they run at the next start
        started(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).pollInterval(NO_POLL).stopOnShutdown(false));
        recorder.await(() -> ran.size() == 4, "the 4 tasks to run after a restart");
    }

    /**
     * Handlers end while another connection holds the write lock longer than the foreman's statements wait for it:
     * the failed attempts' outcomes (a retry, a task kept as failed) are written once the lock is released, and the
     * listener hears of each attempt once, after that. Before, each was tried once and logged as LOST. A successful
     * attempt's count, flushed by the foreman thread, gets there too.
     */
    @Test
    void a_failed_attempt_whose_outcome_meets_a_locked_database_is_written_once_the_lock_is_released()
            throws Exception {
        TaskQueue impatient = openImpatientQueue();
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(1), 2));
        // Enqueued before the start, so that its first claim takes all three: one wakeup per task would do too, but
        // this test is about what follows
        long flakyId = impatient.enqueue(flaky, new Echo(1));
        long boomId = impatient.enqueue(BOOM, new Echo(2));
        impatient.enqueue(ECHO, new Echo(3));
        CountDownLatch go = new CountDownLatch(1);
        Foreman f = started(Foreman.builder(impatient).listener(recorder).pollInterval(NO_POLL).stopOnShutdown(false)
                .workers(3)
                .handle(flaky, (a, ctx) -> {
                    if (ctx.attempt() == 1) {
                        go.await();
                        throw new IllegalStateException("attempt 1 fails");
                    }
                })
                .handle(BOOM, a -> {
                    go.await();
                    throw new IllegalStateException("boom");
                })
                .handle(ECHO, a -> go.await()));
        recorder.awaitCount("started", 3);
        try (WriteLockHolder other = holdWriteLock(0)) {
            go.countDown();
            recorder.await(() -> f.outcomeWriteFailures() >= 2 || told() > 0, "the outcome writes to fail");
            assertEquals(0, told(), "the listener heard of an attempt whose outcome was not written: "
                    + recorder.events);
            other.commit();
        }
        recorder.await(() -> recorder.count("succeeded") == 2, "flaky's attempt 2 to run, saw " + recorder.events);
        recorder.awaitCount("failed", 1);
        // Attempt 2 can run, on another worker, before attempt 1's worker tells the listener of its retry (the retry
        // is committed first): wait for that call too.
        recorder.awaitCount("retrying", 1);
        assertEquals(List.of("failed " + boomId, "retrying " + flakyId), recorder.events.stream()
                .filter(e -> e.kind().equals("retrying") || e.kind().equals("failed"))
                .map(e -> e.kind() + " " + e.taskId()).sorted().toList(), "each attempt reported once");
        List<FailedTask> failed = impatient.failedTasks(10);
        assertEquals(List.of(boomId), failed.stream().map(FailedTask::id).toList());
        assertEquals(1, failed.get(0).attempts());
        recorder.await(() -> impatient.stats().counts().equals(Map.of(
                        "echo", new QueueStats.TaskCounts(1, 0), "flaky", new QueueStats.TaskCounts(1, 0),
                        "boom", new QueueStats.TaskCounts(0, 1))),
                "the counts to be flushed, saw " + impatient.stats().counts());
    }

    /**
     * A stop while the database still refuses a failed attempt's outcome: the write is tried until the graceful
     * deadline, then logged as lost and reported once; close() is not held up.
     */
    @Test
    void a_stop_while_an_outcome_is_refused_gives_up_at_the_graceful_deadline() throws Exception {
        TaskQueue impatient = openImpatientQueue();
        impatient.enqueue(BOOM, new Echo(1));
        CountDownLatch go = new CountDownLatch(1);
        Foreman f = Foreman.builder(impatient).listener(recorder).pollInterval(NO_POLL).stopOnShutdown(false)
                .gracefulTimeout(Duration.ofMillis(300))
                .handle(BOOM, a -> {
                    go.await();
                    throw new IllegalStateException("boom");
                })
                .start();
        toClose.add(f);
        recorder.awaitCount("started", 1);
        try (WriteLockHolder other = holdWriteLock(0)) {
            go.countDown();
            recorder.await(() -> f.outcomeWriteFailures() >= 1 || told() > 0, "the outcome write to fail");
            assertEquals(0, told());
            // A hang guard, not a speed test: close() returns about when the graceful timeout and its grace end.
            assertTimeoutPreemptively(Duration.ofSeconds(20), f::close);
            recorder.awaitCount("failed", 1); // the worker may end after close() gave up waiting for it (busy machine)
            assertEquals(1, recorder.count("failed"), "reported once, as lost: " + recorder.events);
        }
        assertEquals(List.of(), impatient.failedTasks(10));
    }

    /** Attempts the listener heard of as ended (retrying or failed). */
    private long told() {
        return recorder.count("failed") + recorder.count("retrying");
    }

    @Test
    void settings_are_copied_at_start() throws Exception {
        CountDownLatch neverReleased = new CountDownLatch(1);
        Foreman.Builder b = foreman().gracefulTimeout(Duration.ZERO).handle(SLOW, a -> neverReleased.await());
        Foreman f = started(b);
        b.gracefulTimeout(Duration.ofHours(1)); // changes nothing in the running foreman
        queue.enqueue(SLOW, new Echo(1));
        recorder.awaitCount("started", 1);
        // A hang guard: with the builder's new value close() would wait an hour for the handler.
        assertTimeoutPreemptively(Duration.ofSeconds(20), f::close);
        recorder.awaitCount("failed", 1); // interrupted at once, as gracefulTimeout 0 says
    }

    @Test
    void tasks_of_a_name_without_a_handler_stay_queued_for_a_foreman_that_has_one() {
        Task<Echo> newType = Task.of("new-type", Echo.class); // a rolling deploy: only the new foremen know it
        for (int i = 0; i < 20; i++) {
            queue.enqueue(newType, new Echo(i));
            queue.enqueue(ECHO, new Echo(i));
        }
        Foreman old = started(foreman().handle(ECHO, a -> { }));
        recorder.awaitCount("succeeded", 20);
        recorder.awaitIdleAfter(0);
        assertEquals(20, queue.pending(), "the new type's 20 tasks wait for a foreman that handles them");
        assertEquals(List.of(), queue.failedTasks(10));
        assertEquals(java.util.Map.of("new-type", 20L), old.unhandledTasks()); // looked at before the first claim
        assertEquals(java.util.Map.of("new-type", 20L), queue.stats().pendingByName()); // from any process
        old.close();
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        started(foreman().handle(newType, a -> ran.add(a.n())));
        recorder.await(() -> ran.size() == 20, "the new foreman to run the new type's 20 tasks, ran " + ran);
        assertEquals(0, queue.pending());
    }

    @Test
    void tasks_without_a_handler_older_than_unhandledTimeout_are_kept_as_failed() {
        long now = System.currentTimeMillis();
        long old = queue.database().autocommit(dsl -> TaskStore.insert(dsl, "gone-type", "{\"n\":1}",null, 
                now - Duration.ofHours(2).toMillis(),
                now - Duration.ofHours(2).toMillis(), 1));
        queue.database().autocommit(dsl -> TaskStore.insert(dsl, "gone-type", "{\"n\":2}", null, now, now, 1));
        started(foreman().unhandledTimeout(Duration.ofHours(1)).handle(ECHO, a -> { }));
        recorder.awaitCount("rejected", 1); // looked for at start
        List<FailedTask> failed = queue.failedTasks(10);
        assertEquals(List.of(old), failed.stream().map(FailedTask::id).toList());
        assertTrue(failed.get(0).reason().startsWith("no handler for task name \"gone-type\" in any foreman"),
                failed.get(0).reason());
        assertEquals(1, queue.pending(), "the younger one waits on");
    }

    /**
     * A big backlog of overdue tasks without a handler is kept as failed in bounded batches between claims, due work
     * first, and logged once per name, not once per task: before, the look at start kept them all (each batch a scan
     * of the whole queue) before the first claim, and wrote an ERROR line per task.
     */
    @Test
    void a_big_overdue_backlog_without_a_handler_holds_up_no_due_task_and_is_logged_once_per_name()
            throws Exception {
        int backlog = 2 * Claimer.SWEEP_BATCH + 100; // three batches
        long longAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        List<String> args = java.util.Collections.nCopies(backlog, "{\"n\":1}");
        queue.database().transaction(dsl -> TaskStore.insertAll(dsl, "gone-type", args, null, longAgo, longAgo, 1));
        for (int i = 0; i < 5; i++) {
            queue.enqueue(ECHO, new Echo(i));
        }
        List<String> lines;
        try (CapturedErr log = new CapturedErr()) {
            started(foreman().unhandledTimeout(Duration.ofHours(1)).handle(ECHO, a -> { }));
            recorder.awaitCount("rejected", backlog);
            recorder.awaitCount("succeeded", 5);
            // the name's line comes once its last batch is kept, after that batch's listener calls
            recorder.await(() -> !log.lines("tasks named gone-type in dbmq_failed_task").isEmpty(), "the log line");
            lines = log.lines("gone-type").stream().filter(l -> l.contains("ERROR")).toList();
        }
        List<String> kinds = recorder.events.stream().map(Recorder.Event::kind).toList();
        assertTrue(kinds.indexOf("started") < kinds.lastIndexOf("rejected"),
                "every task without a handler was kept before the first due task started");
        assertEquals(backlog, queue.failedTasks(backlog + 1).size());
        assertEquals(1, lines.size(), "one ERROR line for the name: " + lines.stream().limit(3).toList());
        assertTrue(lines.get(0).contains("Kept " + backlog + " tasks named gone-type"), lines.get(0));
    }

    /**
     * close() called from a listener that the loop thread calls (idle(), here) stops the foreman at once: before, it
     * waited the whole graceful timeout for that very thread, then logged that its claim was still waiting for the
     * database, which was not true.
     */
    @Test
    void close_from_a_listener_on_the_loop_thread_stops_the_foreman_without_waiting_for_that_thread() {
        java.util.concurrent.atomic.AtomicReference<Foreman> self = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        ForemanListener closer = new ForemanListener() {
            @Override
            public void idle(ForemanEvent.Idle e) {
                Foreman f = self.get();
                if (f != null && closed.getCount() > 0) {
                    f.close();
                    closed.countDown();
                }
            }
        };
        try (CapturedErr log = new CapturedErr()) {
            Foreman f = started(foreman().gracefulTimeout(Duration.ofSeconds(60)).listener(closer)
                    .handle(ECHO, a -> { }));
            self.set(f);
            // the loop goes idle at start, or after this task (due later, so never handed over): close() from idle()
            queue.enqueue(ECHO, new Echo(1), Enqueue.after(Duration.ofMillis(1)));
            // within half the graceful timeout, which the old close() waited out whole
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> closed.await(), "close() from idle() returned");
            assertEquals(Foreman.State.STOPPED, f.state());
            assertEquals(List.of(), log.lines("still waiting for the database"));
        }
    }

    // ---- foremen(): the registry, from any process ----

    @Test
    void foremen_lists_a_running_foreman_from_another_handle_and_not_once_it_stopped() throws Exception {
        Foreman f = started(foreman().handle(ECHO, a -> { }).workers(3));
        try (TaskQueue other = openSameQueue()) {
            List<ForemanInfo> seen = other.foremen();
            assertEquals(1, seen.size(), seen.toString());
            ForemanInfo info = seen.get(0);
            assertEquals(f.id(), info.id());
            assertEquals(Foreman.State.RUNNING, info.state());
            assertEquals(ProcessHandle.current().pid(), info.pid());
            assertEquals(3, info.workers());
            assertEquals(List.of(ECHO.name()), info.handles());
            f.close();
            assertEquals(List.of(), other.foremen(), "a stopped foreman is not listed");
        }
    }

    @Test
    void a_killed_foreman_is_unlisted_once_its_process_is_gone() throws Exception {
        try (ChildJvm child = ChildJvm.start("foreman", childDb())) {
            String id = child.await("STARTED ").substring("STARTED ".length());
            assertEquals(List.of(id), queue.foremen().stream().map(ForemanInfo::id).toList());
            child.kill(); // SIGKILL: no close(), its row still says RUNNING
            child.awaitExit();
            // Gone when the kernel (SQLite's lock) or the server (PostgreSQL's session) has let go of the dead
            // process's lock: at once, or as soon as the server reads the closed socket. No clock decides it.
            long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
            while (!queue.foremen().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "still listed: " + queue.foremen());
                Thread.yield();
            }
        }
    }

    @Test
    void rows_of_foremen_that_ended_over_a_week_ago_are_deleted_when_a_foreman_starts() throws Exception {
        dev.dbmq.internal.Storage storage = QueueInternals.backend(queue).storage();
        long now = System.currentTimeMillis();
        long eightDaysAgo = now - Duration.ofDays(8).toMillis();
        storage.database().autocommit(dsl -> dev.dbmq.internal.ForemanRegistry.register(dsl, "old:1:aaaa", "old",
                1, null, eightDaysAgo, 4, List.of("echo")));
        storage.database().autocommit(dsl -> dev.dbmq.internal.ForemanRegistry.register(dsl, "recent:1:bbbb",
                "recent", 1, null, now - 1_000, 4, List.of("echo")));
        Foreman f = started(foreman().handle(ECHO, a -> { }));
        List<String> rows = storage.database().autocommit(dsl -> storage.foremen(dsl)).stream()
                .map(r -> r.id() + (r.alive() ? " alive" : "")).toList();
        assertEquals(List.of("recent:1:bbbb", f.id() + " alive"), rows, "the week-old dead row is gone");
    }

    // ---- running(): a record of each running attempt ----

    /** The raw records in dbmq_running, whatever their foreman: what a crash now would leave. */
    List<Long> recordedIds() {
        dev.dbmq.internal.Storage storage = QueueInternals.backend(queue).storage();
        return storage.database().autocommit(dsl -> dev.dbmq.internal.RunningStore.all(dsl)).stream()
                .map(r -> r.task().id()).sorted().toList();
    }

    @Test
    void running_shows_what_a_foreman_runs_from_another_handle_and_not_once_it_ended() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bothStarted = new java.util.concurrent.CountDownLatch(2);
        Foreman f = started(foreman().workers(3).handle(SLOW, a -> {
            bothStarted.countDown();
            release.await();
        }));
        long before = System.currentTimeMillis();
        long first = queue.enqueue(SLOW, new Echo(1));
        long second = queue.enqueue(SLOW, new Echo(2));
        try (TaskQueue other = openSameQueue()) {
            assertTrue(bothStarted.await(Recorder.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            List<RunningTask> running = other.running();
            assertEquals(List.of(first, second), running.stream().map(RunningTask::id).sorted().toList());
            for (RunningTask r : running) {
                assertEquals(SLOW.name(), r.taskName());
                assertEquals(1, r.attempt());
                assertEquals(f.id(), r.foremanId());
                assertTrue(!r.startedAt().isBefore(java.time.Instant.ofEpochMilli(before)), r.toString());
                assertEquals(java.util.OptionalDouble.empty(), r.progress());
                assertEquals("{\"n\":" + (r.id() == first ? 1 : 2) + "}", r.args());
            }
            assertEquals(2, other.foremen().get(0).busy(), "busy, as its records say");
            QueueStats stats = other.stats();
            assertEquals(2, stats.running());
            assertEquals(Map.of(SLOW.name(), 2L), stats.runningByName());
            release.countDown();
            recorder.awaitCount("succeeded", 2);
            // A success writes nothing itself: its record goes with the foreman's next commit, the flush of counts
            // within about a second of going idle.
            recorder.await(() -> other.running().isEmpty() && recordedIds().isEmpty(), "the records to go");
        }
    }

    @Test
    void every_record_goes_when_its_attempt_ends_however_it_ends() throws Exception {
        Task<Echo> flaky = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofMillis(1), 2));
        java.util.Set<Integer> flakyRuns = java.util.concurrent.ConcurrentHashMap.newKeySet();
        started(foreman().workers(2)
                .handle(ECHO, a -> { })
                .handle(BOOM, a -> {
                    throw new IllegalStateException("boom");
                })
                .handle(flaky, a -> {
                    if (flakyRuns.add(a.n())) {
                        throw new IllegalStateException("first attempt fails");
                    }
                }));
        for (int i = 0; i < 20; i++) { // enough to claim in batches, hand over, and claim for itself
            queue.enqueue(ECHO, new Echo(i));
        }
        queue.enqueue(BOOM, new Echo(1));
        queue.enqueue(flaky, new Echo(1));
        recorder.awaitCount("succeeded", 21);
        recorder.awaitCount("failed", 1);
        recorder.await(() -> recordedIds().isEmpty(), "no records left: " + recordedIds());
        assertEquals(List.of(), queue.running());
    }

    @Test
    void a_task_running_when_its_foreman_was_killed_is_kept_as_interrupted_by_the_next_foreman() throws Exception {
        long first = queue.enqueue(SLOW, new Echo(1));
        long second = queue.enqueue(SLOW, new Echo(2));
        long later = queue.enqueue(ECHO, new Echo(3), Enqueue.after(Duration.ofHours(1)));
        String gone;
        try (ChildJvm child = ChildJvm.start("foreman", childDb())) {
            gone = child.await("STARTED ").substring("STARTED ".length());
            child.await("RUNNING ");
            child.await("RUNNING ");
            assertEquals(List.of(first, second), queue.running().stream().map(RunningTask::id).sorted().toList(),
                    "recorded by the claim, seen from this process");
            child.kill(); // SIGKILL while both run
            child.awaitExit();
        }
        long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
        while (!queue.foremen().isEmpty()) { // PostgreSQL: until the server has seen the session end
            assertTrue(System.nanoTime() < deadline, "still listed: " + queue.foremen());
            Thread.yield();
        }
        assertEquals(List.of(), queue.running(), "a dead foreman runs nothing");
        assertEquals(List.of(first, second), recordedIds(), "its records are still there");

        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        started(foreman().handle(SLOW, a -> ran.add(a.n())).handle(ECHO, a -> ran.add(a.n())));
        // Settled by the start, before its first claim: nothing left to wait for.
        assertEquals(List.of(), recordedIds());
        List<FailedTask> failed = queue.failedTasks(10);
        assertEquals(List.of(first, second), failed.stream().map(FailedTask::id).sorted().toList());
        for (FailedTask t : failed) {
            assertTrue(t.reason().startsWith("interrupted: foreman " + gone + " ended while attempt 1 ran"),
                    t.reason());
            assertEquals(SLOW.name(), t.taskName());
        }
        recorder.awaitCount("interrupted", 2);
        assertTrue(recorder.events.stream().filter(e -> e.kind().equals("interrupted"))
                .allMatch(e -> e.detail().startsWith(gone + " interrupted")), recorder.events.toString());
        assertEquals(1, queue.pending(), "the task not yet due is untouched");
        assertEquals(java.util.Set.of(), ran, "at most once: an interrupted task never runs again by itself");
        assertEquals(Long.valueOf(later), queue.findPending(later).map(PendingTask::id).orElse(null));
        queue.requeueFailed(first);
        recorder.await(() -> ran.contains(1), "a requeued interrupted task to run");
    }

    @Test
    void an_at_least_once_task_running_when_its_foreman_was_killed_runs_again_as_its_next_attempt()
            throws Exception {
        long again = queue.enqueue(TestTasks.SLOW_AGAIN, new Echo(1));
        long once = queue.enqueue(SLOW, new Echo(2));
        try (ChildJvm child = ChildJvm.start("foreman", childDb())) {
            child.await("STARTED ");
            child.await("RUNNING ");
            child.await("RUNNING ");
            child.kill();
            child.awaitExit();
        }
        long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
        while (!queue.foremen().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "still listed: " + queue.foremen());
            Thread.yield();
        }
        Map<Long, Integer> attempts = new ConcurrentHashMap<>();
        started(foreman()
                .handle(TestTasks.SLOW_AGAIN, (a, ctx) -> attempts.put(ctx.id(), ctx.attempt()))
                .handle(SLOW, (a, ctx) -> attempts.put(ctx.id(), ctx.attempt())));
        recorder.await(() -> attempts.containsKey(again), "the at-least-once task to run again");
        assertEquals(Map.of(again, 2), attempts, "the interrupted attempt was the first; the task ran as its second");
        assertEquals(List.of(once), queue.failedTasks(10).stream().map(FailedTask::id).toList(),
                "the at-most-once one is kept as interrupted");
        recorder.awaitCount("interrupted", 2);
        assertEquals(1, recorder.events.stream().filter(e -> e.kind().equals("interrupted")
                && e.taskId() == again && e.detail().endsWith(" again")).count(), recorder.events.toString());
    }

    /**
     * Fencing, the race forced: while a handler runs, another foreman settles its record (as it would one of a
     * foreman it took for gone, whose liveness lock was free); the handler then fails for good. Its outcome must not
     * be written over what the settlement decided: the task stays kept as interrupted, once.
     */
    @Test
    void a_late_outcome_after_another_foreman_settled_the_attempt_is_discarded() throws Exception {
        forceLateOutcomes(50);
    }

    /** The race of {@link #a_late_outcome_after_another_foreman_settled_the_attempt_is_discarded}, {@code races} times. */
    void forceLateOutcomes(int races) throws Exception {
        Task<Echo> late = Task.of("late", Echo.class);
        Semaphore started = new Semaphore(0);
        Semaphore settled = new Semaphore(0);
        Foreman f = started(foreman().workers(2).handle(late, a -> {
            started.release();
            settled.acquireUninterruptibly(); // the watch may interrupt it: take this race's permit still
            throw new NonRetryableException("late failure " + a.n());
        }));
        dev.dbmq.internal.Storage storage = QueueInternals.backend(queue).storage();
        for (int i = 0; i < races; i++) {
            long id = queue.enqueue(late, new Echo(i));
            assertTrue(started.tryAcquire(Recorder.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            storage.database().transaction(dsl -> {
                for (var r : dev.dbmq.internal.RunningStore.take(dsl, List.of(f.id()))) {
                    TaskStore.keepFailed(dsl, r.task(), System.currentTimeMillis(),
                            dev.dbmq.internal.RunningStore.interruptedReason(r));
                }
                return null;
            });
            settled.release();
            recorder.awaitCount("fenced", i + 1);
            FailedTask kept = queue.failedTasks(1).get(0);
            assertEquals(id, kept.id());
            assertTrue(kept.reason().startsWith("interrupted: foreman " + f.id()), kept.reason());
        }
        assertEquals(races, queue.failedTasks(races + 1).size());
        assertEquals(0, recorder.count("failed"), "a discarded outcome is not told as a failure");
        assertEquals(List.of(), recordedIds());
    }

    // ---- progress, cancel and snooze of a running task ----

    @Test
    void progress_a_handler_reports_shows_in_running_from_another_handle_within_seconds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        started(foreman().handle(SLOW, (a, ctx) -> {
            ctx.progress(0.1, "starting");
            ctx.progress(0.4, "40 of 100 rows");
            release.await();
        }));
        long id = queue.enqueue(SLOW, new Echo(1));
        try (TaskQueue other = openSameQueue()) {
            recorder.await(() -> other.running().stream().anyMatch(r -> r.progress().isPresent()),
                    "the progress to be written");
            RunningTask r = other.running().get(0);
            assertEquals(id, r.id());
            assertEquals(0.4, r.progress().getAsDouble());
            assertEquals(java.util.Optional.of("40 of 100 rows"), r.note());
        } finally {
            release.countDown();
        }
        assertThrows(IllegalArgumentException.class, () -> new AttemptControl(Thread.currentThread())
                .progress(1.5, null), "a fraction past 1 fails where it was made");
    }

    @Test
    void cancel_of_a_running_task_stops_it_and_it_is_neither_retried_nor_kept_as_failed() throws Exception {
        Task<Echo> retried = Task.of("retried", Echo.class).retry(Retry.fixed(Duration.ofMillis(1), 5));
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawCancelled = new AtomicBoolean();
        started(foreman().handle(retried, (a, ctx) -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(); // until interrupted
            } finally {
                sawCancelled.set(ctx.isCancelled());
            }
        }));
        long id = queue.enqueue(retried, new Echo(1));
        assertTrue(running.await(Recorder.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        try (TaskQueue other = openSameQueue()) {
            assertTrue(other.cancel(id), "running: asked to stop");
        }
        recorder.awaitCount("cancelled", 1);
        assertTrue(sawCancelled.get(), "the handler saw isCancelled() once interrupted");
        recorder.await(() -> recordedIds().isEmpty(), "its record to go");
        assertEquals(0, queue.pending(), "not retried");
        assertEquals(List.of(), queue.failedTasks(10), "not kept as failed");
        assertEquals(0, recorder.count("retrying") + recorder.count("failed"));
        assertFalse(queue.cancel(id), "ended: nothing to cancel");
        assertFalse(queue.cancel(id + 1000), "unknown");
    }

    @Test
    void a_snoozed_task_runs_again_after_its_delay_as_the_same_attempt() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        started(foreman().handle(ECHO, (a, ctx) -> {
            attempts.add(ctx.attempt());
            if (attempts.size() == 1) {
                ctx.snooze(Duration.ofMillis(200));
            }
        }));
        long before = System.currentTimeMillis();
        queue.enqueue(ECHO, new Echo(1));
        recorder.awaitCount("succeeded", 1);
        assertEquals(List.of(1, 1), attempts, "twice, both as attempt 1: a snooze uses up no attempt");
        assertEquals(1, recorder.count("snoozed"));
        long runsAt = Long.parseLong(recorder.events.stream().filter(e -> e.kind().equals("snoozed")).findFirst()
                .orElseThrow().detail().split(" ")[1]);
        assertTrue(runsAt >= before + 200, "due after its delay");
        assertTrue(recorder.events.stream().filter(e -> e.kind().equals("started")).count() == 2);
    }
}
