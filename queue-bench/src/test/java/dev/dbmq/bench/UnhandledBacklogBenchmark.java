package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.QueueStats;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskEvent;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Question 5: do claims stay as fast with {@code unhandled} = 100,000 tasks pending of a name no foreman here has a
 * handler for (a rolling deploy: new producers enqueue a new task type before any new foreman runs)? Those rows
 * have lower ids than every measured task, so a claim that walks the queue in id order meets all of them first.
 * Compare the two rows of one run: unhandled=100000 against unhandled=0.
 *
 * <p>Timed: one {@code enqueueAll} of 1000 trivial tasks and the wait until the last handler has returned; foreman
 * of 4 workers in the same JVM, SQLite file database in WAL mode, synchronous=NORMAL.
 *
 * <p>It needs a foreman that claims only the names it has handlers for and leaves the others queued. One that
 * rejects them (moves them to dbmq_failed_task at its first claim, as the foreman did until then) fails the trial
 * in setup, and any rejection or lost row later fails the invocation: numbers from an emptied backlog would
 * measure nothing.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class UnhandledBacklogBenchmark {

    static final int TASKS = 1000;
    static final int WORKERS = 4;

    /** Declared on the producer side only: the foreman below has no handler for it. */
    static final Task<BenchDb.Trivial> NOT_HANDLED_HERE = Task.of("not-handled-here", BenchDb.Trivial.class);

    @State(Scope.Benchmark)
    public static class Backlog {
        @Param({"0", "100000"})
        public int unhandled;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        final Watch watch = new Watch();
        volatile CountDownLatch finished = new CountDownLatch(0);
        List<BenchDb.Trivial> batch;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            try {
                List<BenchDb.Trivial> backlog = new ArrayList<>(unhandled);
                for (int i = 0; i < unhandled; i++) {
                    backlog.add(new BenchDb.Trivial(i));
                }
                queue.enqueueAll(NOT_HANDLED_HERE, backlog); // one transaction: well under a second for 100,000
                // Reopened (for both params), so the last close checkpoints and removes the WAL of that one big
                // transaction: left in place, it slowed every later write (measured: 37.2 against 29.2 ms at p50;
                // reopened, 30.5 against 29.7), a WAL question apart from the one asked here.
                queue.close();
                queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
                foreman = Foreman.builder(queue)
                        .handle(BenchDb.TRIVIAL, args -> finished.countDown())
                        .workers(WORKERS)
                        .listener(watch)
                        .stopOnShutdown(false)
                        .start();
                // Its start-up claim meets the backlog first: it must go idle without rejecting any of it.
                if (!watch.firstIdleOrRejection.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the foreman did not go idle within 60 s of starting on "
                            + unhandled + " pending " + NOT_HANDLED_HERE.name() + " tasks");
                }
                checkBacklog();
            } catch (RuntimeException | InterruptedException | Error e) {
                close();
                throw e;
            }
            batch = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                batch.add(new BenchDb.Trivial(i));
            }
        }

        CountDownLatch arm() {
            CountDownLatch latch = new CountDownLatch(TASKS);
            finished = latch;
            return latch;
        }

        /**
         * Not timed: after every iteration, the whole backlog is still queued and nothing was rejected. Per iteration,
         * not per invocation: a stats() scan of 100,000 rows after each invocation holds the queue's connection while
         * the foreman finishes its last claim, which then lands in the next, timed, invocation (measured: p50 32 ms
         * against 22 ms with 0 rows, 2026-12-01, where the claims themselves cost the same).
         */
        @TearDown(Level.Iteration)
        public void checkBacklog() {
            String rejected = watch.firstRejection.get();
            if (rejected != null) {
                throw new IllegalStateException("the foreman rejected " + rejected + " instead of leaving it queued;"
                        + " this benchmark needs a foreman that claims only the task names it handles");
            }
            QueueStats stats = queue.stats();
            if (stats.pending() != unhandled || stats.failedKept() != 0) {
                throw new IllegalStateException("expected the " + unhandled + " " + NOT_HANDLED_HERE.name()
                        + " tasks still pending and none failed, found pending=" + stats.pending() + ", failed kept="
                        + stats.failedKept());
            }
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            close();
        }

        private void close() {
            if (foreman != null) {
                foreman.close();
            }
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    /** What the foreman did that matters here: its first rejection, and that it went idle. */
    static final class Watch implements ForemanListener {
        final AtomicReference<String> firstRejection = new AtomicReference<>();
        final CountDownLatch firstIdleOrRejection = new CountDownLatch(1);

        @Override
        public void taskRejected(TaskEvent.Rejected e) {
            firstRejection.compareAndSet(null, "task " + e.taskId() + " (" + e.taskName() + "): " + e.reason());
            firstIdleOrRejection.countDown();
        }

        @Override
        public void idle(ForemanEvent.Idle e) {
            firstIdleOrRejection.countDown();
        }
    }

    @Benchmark
    public void enqueueAll_1000_toFinished(Backlog s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        s.queue.enqueueAll(BenchDb.TRIVIAL, s.batch);
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s, with "
                    + s.unhandled + " " + NOT_HANDLED_HERE.name() + " tasks pending");
        }
    }
}
