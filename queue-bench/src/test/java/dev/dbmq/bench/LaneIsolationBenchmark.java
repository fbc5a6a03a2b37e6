package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Lanes: a lane "bulk" saturated ({@code backlog} due tasks of 50 ms on 4 workers: a backlog that outlasts the run),
 * one task of the default lane at a time (its own 4 workers): from the moment its {@code enqueue} returned to the
 * moment its handler started, read with System.nanoTime into a {@link LatencyHistogram} written to
 * {@code target/wakeup-latency.json} under this benchmark's key. SQLite (synchronous=NORMAL, the producer in the
 * foreman's JVM), or PostgreSQL (the producer on a pool and queue of its own, as another host: woken by NOTIFY). Between
 * samples the previous default task has started and then 1 ms passes (the workload: requests arriving apart). JMH's
 * own SampleTime also counts the enqueue call and the benchmark thread's wake-up.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LaneIsolationBenchmark {

    static final Task<BenchDb.Trivial> BULK = Task.of("bulk-export", BenchDb.Trivial.class).lane("bulk");
    static final long BULK_TASK_NANOS = 50_000_000L;
    static final long GAP_NANOS = 1_000_000L;

    @State(Scope.Benchmark)
    public static class SaturatedBulkLane {
        /** Due bulk tasks enqueued before the run: 100,000 outlast it (4 workers × 20 a second). */
        @Param({"100000"})
        int backlog;

        @Param({"sqlite", "postgresql"})
        String database;

        Path dir;
        String schema;
        com.zaxxer.hikari.HikariDataSource producerPool;
        com.zaxxer.hikari.HikariDataSource foremanPool;
        TaskQueue queue;     // the foreman's
        TaskQueue producer;  // the enqueues': the same queue on SQLite
        Foreman foreman;
        LatencyHistogram histogram;
        BenchmarkParams params;
        volatile boolean measuring;
        volatile long startedAt;
        volatile CountDownLatch started = new CountDownLatch(0);
        final CountDownLatch bulkSaturated = new CountDownLatch(4);

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws InterruptedException {
            this.params = params;
            if (database.equals("sqlite")) {
                dir = BenchDb.newDirectory();
                queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
                producer = queue;
            } else {
                schema = BenchPg.newSchema("lanes");
                producerPool = BenchPg.pool("bench-producer", 2);
                producer = BenchPg.openQueue(producerPool, schema);
                foremanPool = BenchPg.pool("bench-foreman", 16);
                queue = BenchPg.openQueue(foremanPool, schema);
            }
            for (int from = 0; from < backlog; from += 10_000) {
                producer.enqueueAll(BULK, IntStream.range(from, Math.min(backlog, from + 10_000))
                        .mapToObj(BenchDb.Trivial::new).toList());
            }
            histogram = new LatencyHistogram(SideResults.key(params));
            foreman = Foreman.builder(queue)
                    .lane("bulk", 4)
                    .handle(BULK, args -> {
                        bulkSaturated.countDown();
                        LockSupport.parkNanos(BULK_TASK_NANOS); // the work: 50 ms each
                    })
                    .handle(BenchDb.TRIVIAL, args -> {
                        startedAt = System.nanoTime();
                        started.countDown();
                    })
                    .stopOnShutdown(false)
                    .start();
            if (!bulkSaturated.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the bulk lane's 4 workers never all started");
            }
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: the previous default task has started (awaited by the sample), then the gap passes. */
        @Setup(Level.Invocation)
        public void gap() {
            LockSupport.parkNanos(GAP_NANOS);
            started = new CountDownLatch(1);
        }

        @TearDown(Level.Trial)
        public void stop() {
            long pending = queue.stats().pending();
            foreman.close();
            queue.close();
            if (dir != null) {
                BenchDb.deleteTree(dir);
            } else {
                producer.close();
                BenchPg.dropSchema(producerPool, schema);
                foremanPool.close();
                producerPool.close();
            }
            histogram.write();
            SideResults.put(SideResults.WAKEUP_LATENCY, SideResults.key(params) + ":bulkPendingAtEnd",
                    Long.toString(pending));
            SideResults.recordLoad(params);
            if (pending == 0) { // a backlog to the end: its 4 workers were never short of work
                throw new IllegalStateException("the bulk lane ran out of tasks before the run ended");
            }
        }
    }

    @Benchmark
    public void defaultLaneTask(SaturatedBulkLane s) throws InterruptedException {
        s.producer.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
        long returned = System.nanoTime();
        if (!s.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited 10 s for the default lane's handler to start");
        }
        if (s.measuring) {
            s.histogram.add(s.startedAt - returned);
        }
    }
}
