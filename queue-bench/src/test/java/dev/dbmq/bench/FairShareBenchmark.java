package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Fair share between the keys of a {@code limitBy} type: customer "a" has {@code backlog} due exports of 50 ms queued
 * (more than the run drains), 4 workers; one export of customer "b" at a time. Its latency goes into a
 * {@link LatencyHistogram} written to {@code target/wakeup-latency.json} under this benchmark's key:
 * <ul>
 * <li>{@code perKey} 1: a runs one at a time, 3 workers are free; from {@code enqueue} returned to b's handler
 *     started (what a's 99,999 waiting tasks cost b's claim);</li>
 * <li>{@code perKey} 4: a's tasks take all 4 workers; from the first of a's handlers to return after b's enqueue
 *     returned (the first free slot) to b's handler started. Had a's next task taken that slot, b's wait would reach
 *     the next free slot, ~12 ms later.</li>
 * </ul>
 * SQLite (synchronous=NORMAL, the producer in the foreman's JVM), or PostgreSQL (the producer on a pool and queue of
 * its own, woken by NOTIFY). Between samples b's previous export has started, then 1 ms passes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class FairShareBenchmark {

    record Export(String customer, int n) {
    }

    static final long A_TASK_NANOS = 50_000_000L;
    static final long GAP_NANOS = 1_000_000L;

    @State(Scope.Benchmark)
    public static class BusyCustomer {
        @Param({"100000"})
        int backlog;

        @Param({"1", "4"})
        int perKey;

        @Param({"sqlite", "postgresql"})
        String database;

        Task<Export> export;
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
        /** Since when b's export waits (its enqueue returned), 0 when none does; the first end of a's after it. */
        volatile long waitingSince;
        final AtomicLong firstEndAfter = new AtomicLong();
        volatile CountDownLatch started = new CountDownLatch(0);
        CountDownLatch aSaturated;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws InterruptedException {
            this.params = params;
            export = Task.of("export", Export.class).limitBy(Export::customer, perKey);
            if (database.equals("sqlite")) {
                dir = BenchDb.newDirectory();
                queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
                producer = queue;
            } else {
                schema = BenchPg.newSchema("fair");
                producerPool = BenchPg.pool("bench-producer", 2);
                producer = BenchPg.openQueue(producerPool, schema);
                foremanPool = BenchPg.pool("bench-foreman", 16);
                queue = BenchPg.openQueue(foremanPool, schema);
            }
            for (int from = 0; from < backlog; from += 10_000) {
                producer.enqueueAll(export, IntStream.range(from, Math.min(backlog, from + 10_000))
                        .mapToObj(i -> new Export("a", i)).toList());
            }
            histogram = new LatencyHistogram(SideResults.key(params));
            aSaturated = new CountDownLatch(perKey);
            foreman = Foreman.builder(queue)
                    .workers(4)
                    .handle(export, args -> {
                        if (args.customer().equals("b")) {
                            startedAt = System.nanoTime();
                            started.countDown();
                            return;
                        }
                        aSaturated.countDown();
                        LockSupport.parkNanos(A_TASK_NANOS); // the work: 50 ms each
                        long since = waitingSince;
                        long now = System.nanoTime();
                        if (since != 0 && now > since) {
                            firstEndAfter.compareAndSet(0, now);
                        }
                    })
                    .stopOnShutdown(false)
                    .start();
            if (!aSaturated.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("customer a's tasks never took their " + perKey + " places");
            }
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: b's previous export has started (awaited by the sample), then the gap passes. */
        @Setup(Level.Invocation)
        public void gap() {
            LockSupport.parkNanos(GAP_NANOS);
            started = new CountDownLatch(1);
            firstEndAfter.set(0);
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
            SideResults.put(SideResults.WAKEUP_LATENCY, SideResults.key(params) + ":aPendingAtEnd",
                    Long.toString(pending));
            SideResults.recordLoad(params);
            if (pending == 0) {
                throw new IllegalStateException("customer a ran out of tasks before the run ended");
            }
        }
    }

    @Benchmark
    public void otherCustomersExport(BusyCustomer s) throws InterruptedException {
        s.producer.enqueue(s.export, new Export("b", 1));
        long returned = System.nanoTime();
        s.waitingSince = returned;
        if (!s.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited 10 s for customer b's export to start");
        }
        s.waitingSince = 0;
        if (s.measuring) {
            long from = s.perKey == 1 ? returned : s.firstEndAfter.get();
            if (from == 0 || from > s.startedAt) {
                s.histogram.add(s.startedAt - returned); // started before any of a's ended: counted from the enqueue
            } else {
                s.histogram.add(s.startedAt - from);
            }
        }
    }
}
