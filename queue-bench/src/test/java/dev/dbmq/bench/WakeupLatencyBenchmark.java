package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Question 2: an idle foreman, one enqueue: how soon does the handler start?
 *
 * <p>Three measurements per sample, all read with System.nanoTime (CLOCK_MONOTONIC, comparable across the two
 * JVMs) and kept in {@link LatencyHistogram}s written to {@code target/wakeup-latency.json}: from the moment
 * {@code enqueue} returned (the task is committed and the wakeup sent) to the moment the handler started; from the
 * moment {@code enqueue} was called (what a user feels: the commit is included) to the handler started (key
 * {@code …:fromCall}). JMH's own SampleTime covers more: the whole enqueue call (and for the cross-process case the
 * command pipe to the producer JVM) plus the benchmark thread's own wake-up.
 *
 * <p>Before each sample the previous sample's task has finished and the foreman has then been idle for
 * {@link #IDLE_NANOS}, untimed. In-process, an idle foreman takes the task from the enqueue's own commit (a
 * hand-over: no claim transaction, no hop through the foreman's thread); from the other JVM it is woken and claims.
 * Synchronous=NORMAL (the default) only: durability shows in questions 1
 * and 3.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class WakeupLatencyBenchmark {

    /** How long the foreman has been idle before each sample: at least 5 ms. */
    static final long IDLE_NANOS = 5_000_000L;

    @State(Scope.Benchmark)
    public static class IdleForeman {
        Path dir;
        TaskQueue queue;
        Foreman foreman;
        WakeupProbe probe;
        BenchmarkParams params;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            probe = new WakeupProbe(params, IDLE_NANOS);
            this.params = params;
            foreman = probe.attach(Foreman.builder(queue))
                    .stopOnShutdown(false)
                    .start();
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            probe.measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: waits until the previous sample's task has finished and the foreman idled, then arms. */
        @Setup(Level.Invocation)
        public void awaitIdle() throws InterruptedException {
            probe.arm();
        }

        @TearDown(Level.Trial)
        public void stop() {
            foreman.close();
            queue.close();
            BenchDb.deleteTree(dir);
            probe.write();
            SideResults.recordLoad(params);
        }
    }

    @State(Scope.Benchmark)
    public static class OtherProcess {
        ProducerProcess producer;

        @Setup(Level.Trial)
        public void start(IdleForeman foreman) {
            producer = new ProducerProcess(foreman.dir, Synchronous.NORMAL);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            producer.close();
        }
    }

    /**
     * The floor of "from the call": one raw JDBC single-row INSERT transaction (RawInsert, reused statement) on a
     * database with the same settings, after the same 5 ms idle, from its call to its return. No foreman.
     */
    @State(Scope.Benchmark)
    public static class IdleRawInsert {
        Path dir;
        RawInsert insert;
        LatencyHistogram histogram;
        boolean measuring;
        int n;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) throws Exception {
            dir = BenchDb.newDirectory();
            BenchDb.openQueue(dir, Synchronous.NORMAL).close(); // creates and migrates the schema
            insert = new RawInsert(BenchDb.rawConnection(dir, Synchronous.NORMAL));
            histogram = new LatencyHistogram(SideResults.key(params));
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: the same idle time as the foreman's before each sample (the workload, not synchronisation). */
        @Setup(Level.Invocation)
        public void idle() {
            LockSupport.parkNanos(IDLE_NANOS);
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) throws Exception {
            insert.close();
            BenchDb.deleteTree(dir);
            histogram.write();
            SideResults.recordLoad(params);
        }
    }

    @Benchmark
    public long rawInsertAfterIdle(IdleRawInsert r) throws Exception {
        long called = System.nanoTime();
        long id = r.insert.insertReusingStatement("trivial", "{\"n\":" + r.n++ + "}", System.currentTimeMillis());
        if (r.measuring) {
            r.histogram.add(System.nanoTime() - called);
        }
        return id;
    }

    @Benchmark
    public void inProcess(IdleForeman s) throws InterruptedException {
        long called = System.nanoTime();
        s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
        s.probe.record(called, System.nanoTime());
    }

    @Benchmark
    public void crossProcess(IdleForeman s, OtherProcess p) throws InterruptedException {
        p.producer.send("enqueue 1");
        long[] calledAndReturned = p.producer.awaitCallAndReturn();
        s.probe.record(calledAndReturned[0], calledAndReturned[1]);
    }
}
