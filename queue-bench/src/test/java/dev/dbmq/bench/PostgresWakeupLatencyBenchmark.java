package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.TaskQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Question 5 (PostgreSQL): an idle foreman, one enqueue from a producer on another pool: how soon does the handler
 * start? The only wakeup is the insert trigger's NOTIFY, sent at the producer's commit and read by the foreman's
 * LISTEN connection ("dbmq-listen" thread), which wakes the foreman thread; that claims (a DELETE … SKIP LOCKED
 * transaction, one round trip plus commit) and hands the task to a worker.
 *
 * <p>Measured as {@link WakeupLatencyBenchmark} measures it: from {@code enqueue} returned (committed) to the handler
 * started, System.nanoTime, exact percentiles over every measurement sample in {@code target/wakeup-latency.json};
 * JMH's SampleTime also includes the enqueue call and the benchmark thread's own wake-up. Before each sample the
 * foreman has gone idle again (its idle() hook fired after the previous claim), untimed.
 *
 * <p>The floor, {@link #rawListen_notifyOnly}: the same NOTIFY leg in raw JDBC, from a {@code pg_notify} commit
 * returned to another connection's {@code getNotifications} returning it; what dbmq adds on top is the claim and two
 * thread hand-offs.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PostgresWakeupLatencyBenchmark {

    @State(Scope.Benchmark)
    public static class IdleForeman {
        String schema;
        HikariDataSource producerPool;
        HikariDataSource foremanPool;
        TaskQueue producer;
        TaskQueue foremanQueue;
        Foreman foreman;
        WakeupProbe probe;
        BenchmarkParams params;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) {
            this.params = params;
            probe = new WakeupProbe(params);
            schema = BenchPg.newSchema("wake");
            producerPool = BenchPg.pool("bench-producer", 2);
            producer = BenchPg.openQueue(producerPool, schema);
            foremanPool = BenchPg.pool("bench-foreman", 4);
            foremanQueue = BenchPg.openQueue(foremanPool, schema);
            foreman = probe.attach(Foreman.builder(foremanQueue))
                    .stopOnShutdown(false)
                    .start();
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            probe.measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: waits until the previous sample's claim has gone idle, then arms the next sample. */
        @Setup(Level.Invocation)
        public void awaitIdle() throws InterruptedException {
            probe.arm();
        }

        @TearDown(Level.Trial)
        public void stop() {
            foreman.close();
            foremanQueue.close();
            producer.close();
            BenchPg.dropSchema(producerPool, schema);
            foremanPool.close();
            producerPool.close();
            probe.write();
            SideResults.recordLoad(params);
        }
    }

    /** The floor: the NOTIFY leg alone, raw JDBC ({@link RawListen}); no schema, trigger, claim or foreman. */
    @State(Scope.Benchmark)
    public static class RawFloor {
        HikariDataSource listenPool;
        HikariDataSource notifyPool;
        RawListen raw;
        LatencyHistogram histogram;
        BenchmarkParams params;
        boolean measuring;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws Exception {
            this.params = params;
            histogram = new LatencyHistogram(SideResults.key(params));
            listenPool = BenchPg.pool("bench-raw-listen", 1);
            notifyPool = BenchPg.pool("bench-raw-notify", 1);
            raw = new RawListen(listenPool, notifyPool);
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            raw.close();
            listenPool.close();
            notifyPool.close();
            histogram.write();
            SideResults.recordLoad(params);
        }
    }

    @Benchmark
    public void notify_otherPool(IdleForeman s) throws InterruptedException {
        s.producer.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
        s.probe.record(System.nanoTime());
    }

    @Benchmark
    public void rawListen_notifyOnly(RawFloor r) throws Exception {
        long latency = r.raw.notifyAndAwait();
        if (r.measuring) {
            r.histogram.add(latency);
        }
    }
}
