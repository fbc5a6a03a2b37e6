package dev.dbmq.bench;

import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.QueueStats;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Scheduled tasks, future-dated rows (SQLite): do 1000 due tasks finish as fast with {@code future} = 1,000,000 tasks
 * of the same name pending but due in 30 days? Compare the two rows of one run: future=1000000 against future=0
 * (target: at most 10% slower). A claim that meets the future rows (they have lower ids, and the same task name)
 * instead of going through the (task_name, due_at, id) index shows as a ratio well above 1.
 *
 * <p>Timed: one {@code enqueueAll} of 1000 trivial tasks due now, to the last handler returned; foreman of 4 workers
 * in the same JVM, WAL file database, synchronous=NORMAL, as {@link UnhandledBacklogBenchmark}. Untimed, once per
 * trial: the future rows, {@code enqueueAll} in chunks of {@value #CHUNK} with {@code Enqueue.after(30 days)}. Their
 * args are {@code Trivial(-1)}: a handler that sees one fails the trial (a future row ran early), and the trial's end
 * checks they are all still scheduled.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class FutureRowsBenchmark {

    static final int TASKS = 1000;
    static final int CHUNK = 10_000;
    static final Duration FUTURE = Duration.ofDays(30);
    static final BenchDb.Trivial FUTURE_ARGS = new BenchDb.Trivial(-1);

    @State(Scope.Benchmark)
    public static class Future {
        @Param({"0", "1000000"})
        public int future;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);
        final AtomicLong ranEarly = new AtomicLong();
        final CountDownLatch firstIdle = new CountDownLatch(1);
        List<BenchDb.Trivial> batch;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws InterruptedException {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            try {
                fillFuture(queue, future, params);
                // Reopened (for both params), so the WAL of the fill is checkpointed and removed before timing, as
                // UnhandledBacklogBenchmark does: a large WAL slows later writes, a question apart from this one.
                queue.close();
                queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
                foreman = Foreman.builder(queue)
                        .handle(BenchDb.TRIVIAL, args -> {
                            if (args.n() < 0) {
                                ranEarly.incrementAndGet();
                            }
                            finished.countDown();
                        })
                        .listener(new ForemanListener() {
                            @Override
                            public void idle(ForemanEvent.Idle e) {
                                firstIdle.countDown();
                            }
                        })
                        .stopOnShutdown(false)
                        .start();
                if (!firstIdle.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the foreman did not go idle within 60 s of starting on "
                            + future + " future-dated tasks");
                }
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

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            try {
                checkFuture(queue, future, ranEarly.get());
            } finally {
                close();
            }
        }

        private void close() {
            if (foreman != null) {
                foreman.close();
            }
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    /**
     * {@code count} trivial tasks due in 30 days, in chunks of {@value #CHUNK} (one transaction each); how long it took
     * goes to {@code target/scheduled-lateness.json} ({@code fill_ms}), as the set-up cost of a trial.
     */
    static void fillFuture(TaskQueue queue, int count, BenchmarkParams params) {
        long t0 = System.nanoTime();
        List<BenchDb.Trivial> chunk = new ArrayList<>(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.add(FUTURE_ARGS);
        }
        Enqueue later = Enqueue.after(FUTURE);
        for (int done = 0; done < count; done += CHUNK) {
            queue.enqueueAll(BenchDb.TRIVIAL, chunk.subList(0, Math.min(CHUNK, count - done)), later);
        }
        SideResults.put(SideResults.SCHEDULED, SideResults.key(params), String.format(Locale.ROOT,
                "{\"future\": %d, \"fill_ms\": %d}", count, (System.nanoTime() - t0) / 1_000_000));
    }

    /** The future rows are all still scheduled, none due, and none ran: else the timing measured something else. */
    static void checkFuture(TaskQueue queue, int future, long ranEarly) {
        QueueStats stats = queue.stats();
        if (ranEarly != 0 || stats.scheduled() != future || stats.due() != 0 || stats.failedKept() != 0) {
            throw new IllegalStateException("expected " + future + " future-dated tasks scheduled, none due, run or"
                    + " failed; found scheduled=" + stats.scheduled() + ", due=" + stats.due() + ", failed kept="
                    + stats.failedKept() + ", future-dated tasks run=" + ranEarly);
        }
    }

    @Benchmark
    public void enqueueAll_1000_toFinished(Future s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        s.queue.enqueueAll(BenchDb.TRIVIAL, s.batch);
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s, with "
                    + s.future + " future-dated tasks pending");
        }
    }
}
