package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * Question 4 (PostgreSQL): how long do {@code tasks} trivial tasks take from the first enqueue to the last handler
 * finished, with {@code foremen} foremen of {@code workers} workers each on one PostgreSQL database? The report
 * derives tasks/s = tasks / that time (median).
 *
 * <p>Timed: one {@code enqueueAll} of all tasks by a producer (its own pool and TaskQueue, as a web host would have)
 * and then the wait until every handler has finished. Wakeups come only from the insert trigger's NOTIFY, delivered at
 * the producer's commit to each foreman's LISTEN connection; no foreman shares the producer's TaskQueue, so none is
 * signalled directly. Each foreman has its own pool and TaskQueue too, as separate hosts would; all run in this JVM
 * (and on this machine's 2 vCPUs, beside the PostgreSQL server). The {@code enqueueAll} alone is also timed, into
 * {@code target/pg-enqueue-phase.json}, so the drain rate of the foremen can be told apart from the insert.
 *
 * <p>SampleTime: every invocation is timed. With 10,000 tasks one invocation outlasts a 2 s iteration, so those rows
 * rest on fewer samples (about one per iteration).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PostgresEnqueueToFinishBenchmark {

    @State(Scope.Benchmark)
    public static class Foremen {
        @Param({"1000", "10000"})
        public int tasks;

        @Param({"1", "2"})
        public int foremen;

        @Param({"4", "16"})
        public int workers;

        String schema;
        HikariDataSource producerPool;
        TaskQueue producer;
        final List<HikariDataSource> foremanPools = new ArrayList<>();
        final List<TaskQueue> foremanQueues = new ArrayList<>();
        final List<Foreman> running = new ArrayList<>();
        volatile CountDownLatch finished = new CountDownLatch(0);
        List<BenchDb.Trivial> batch;
        LatencyHistogram enqueuePhase;
        BenchmarkParams params;
        boolean measuring;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) {
            this.params = params;
            enqueuePhase = new LatencyHistogram(SideResults.key(params), SideResults.PG_ENQUEUE_PHASE);
            schema = BenchPg.newSchema("etf");
            producerPool = BenchPg.pool("bench-producer", 2);
            producer = BenchPg.openQueue(producerPool, schema); // creates and migrates the schema
            for (int f = 0; f < foremen; f++) {
                // LISTEN holds one connection; claims, count flushes and failures borrow one briefly.
                HikariDataSource pool = BenchPg.pool("bench-foreman-" + f, 4);
                foremanPools.add(pool);
                TaskQueue queue = BenchPg.openQueue(pool, schema);
                foremanQueues.add(queue);
                running.add(Foreman.builder(queue)
                        .handle(BenchDb.TRIVIAL, args -> finished.countDown())
                        .workers(workers)
                        .stopOnShutdown(false)
                        .start());
            }
            batch = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                batch.add(new BenchDb.Trivial(i));
            }
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams iteration) {
            measuring = iteration.getType() == IterationType.MEASUREMENT;
        }

        CountDownLatch arm() {
            CountDownLatch latch = new CountDownLatch(tasks);
            finished = latch;
            return latch;
        }

        @TearDown(Level.Trial)
        public void stop() {
            SideResults.recordLoad(params);
            enqueuePhase.write();
            for (Foreman f : running) {
                f.close();
            }
            for (TaskQueue q : foremanQueues) {
                q.close();
            }
            producer.close();
            BenchPg.dropSchema(producerPool, schema);
            for (HikariDataSource p : foremanPools) {
                p.close();
            }
            producerPool.close();
        }
    }

    @Benchmark
    public void enqueueAll_toFinished(Foremen s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        long t0 = System.nanoTime();
        s.producer.enqueueAll(BenchDb.TRIVIAL, s.batch);
        if (s.measuring) {
            s.enqueuePhase.add(System.nanoTime() - t0);
        }
        if (!latch.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + s.tasks + " tasks unfinished after 120 s");
        }
    }
}
