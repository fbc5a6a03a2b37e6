package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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
 * A rate limit with a backlog ({@link Task#rate}): 100 starts per second, {@code tasks} enqueued at once, one
 * foreman of 4 workers (SQLite in-process; PostgreSQL with a producer on a pool and queue of its own). Each handler
 * notes its start (System.nanoTime). Written to {@code target/rate.json} per run: the most and the fewest starts in
 * any 1-second window that begins at a start and ends before the last (the target: none over 100, none under 95),
 * and each start's lateness, two ways (p50, p99, max): against its slot on an even grid from the first start
 * ({@code latenessMs}: the k-th start is due {@link #SLOT_NANOS} × k after the first; a start let through early counts
 * negative, and slots lost for good push every later start back, so this one is strict), and against the time the
 * window let it start, the start 100 before it plus 1 s ({@code windowLatenessMs}). Handler starts on both sides, so
 * the lag from claim to handler mostly cancels.
 *
 * <p>One invocation is the run (SingleShotTime): {@code -wi 0 -i 1} is enough.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RateBenchmark {

    public record Job(int n) {
    }

    static final int PER_SECOND = 100;

    /** The rate's slots: (1 s + its 20 ms headroom) / 100 (RateSlots), 10.2 ms. */
    static final long SLOT_NANOS = 10_200_000;
    static final Task<Job> RATED = Task.of("rated", Job.class).rate(PER_SECOND, Duration.ofSeconds(1));

    @State(Scope.Benchmark)
    public static class Run {
        @Param({"sqlite", "postgres"})
        public String backend;

        @Param({"300"})
        public int tasks;

        Path dir;
        String schema;
        HikariDataSource foremanPool;
        HikariDataSource producerPool;
        TaskQueue queue;
        TaskQueue producer;
        Foreman foreman;
        long[] starts;
        final AtomicInteger started = new AtomicInteger();
        volatile CountDownLatch all;
        BenchmarkParams params;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) {
            this.params = params;
            starts = new long[tasks];
            all = new CountDownLatch(tasks);
            if (backend.equals("sqlite")) {
                dir = BenchDb.newDirectory();
                queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
                producer = queue;
            } else {
                schema = BenchPg.newSchema("rate");
                producerPool = BenchPg.pool("bench-producer", 2);
                producer = BenchPg.openQueue(producerPool, schema);
                foremanPool = BenchPg.pool("bench-foreman", 4);
                queue = BenchPg.openQueue(foremanPool, schema);
            }
            foreman = Foreman.builder(queue)
                    .workers(4)
                    .handle(RATED, args -> {
                        starts[started.getAndIncrement()] = System.nanoTime();
                        all.countDown();
                    })
                    .stopOnShutdown(false)
                    .start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            SideResults.recordLoad(params);
            SideResults.put("rate.json", SideResults.key(params), summary());
            foreman.close();
            if (producer != queue) {
                producer.close();
            }
            queue.close();
            if (dir != null) {
                BenchDb.deleteTree(dir);
            } else {
                BenchPg.dropSchema(producerPool, schema);
                foremanPool.close();
                producerPool.close();
            }
        }

        private String summary() {
            int n = started.get();
            long[] t = Arrays.copyOf(starts, n);
            Arrays.sort(t);
            long second = 1_000_000_000L;
            int most = 0;
            int fewest = Integer.MAX_VALUE;
            int j = 0;
            for (int i = 0; i < n && t[i] + second <= t[n - 1]; i++) {
                while (j < n && t[j] < t[i] + second) {
                    j++;
                }
                most = Math.max(most, j - i);
                fewest = Math.min(fewest, j - i);
            }
            long[] window = new long[Math.max(0, n - PER_SECOND)];
            for (int k = PER_SECOND; k < n; k++) {
                window[k - PER_SECOND] = t[k] - (t[k - PER_SECOND] + second);
            }
            long[] grid = new long[n];
            for (int k = 0; k < n; k++) {
                grid[k] = t[k] - (t[0] + k * SLOT_NANOS);
            }
            return String.format(Locale.ROOT, "{\"starts\": %d, \"seconds\": %.3f, \"mostInAWindow\": %d,"
                            + " \"fewestInAWindow\": %d, \"latenessMs\": %s, \"windowLatenessMs\": %s}",
                    n, (t[n - 1] - t[0]) / 1e9, most, fewest, quantiles(grid), quantiles(window));
        }

        private static String quantiles(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "{\"min\": %.3f, \"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}",
                    sorted.length == 0 ? 0 : sorted[0] / 1e6, ms(sorted, 0.50), ms(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }

        private static double ms(long[] sorted, double q) {
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
                    / 1e6;
        }
    }

    @Benchmark
    public void backlogAtTheRate(Run s) throws InterruptedException {
        s.producer.enqueueAll(RATED, IntStream.range(0, s.tasks).mapToObj(Job::new).toList());
        if (!s.all.await(s.tasks / PER_SECOND + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(s.all.getCount() + " of " + s.tasks + " not started");
        }
    }
}
