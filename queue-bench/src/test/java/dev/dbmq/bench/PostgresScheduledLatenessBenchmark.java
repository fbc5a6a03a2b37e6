package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.TaskQueue;
import java.time.Instant;
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
 * Scheduled tasks, lateness (PostgreSQL): as {@link ScheduledLatenessBenchmark}, a task due at T = enqueue + 30 ms on
 * an idle foreman, from T ({@code Enqueue.at(T)}) to {@link Instant#now()} first thing in the handler, exact
 * percentiles in {@code target/scheduled-lateness.json}. The producer has its own pool and TaskQueue, so the foreman
 * learns of the task from the insert trigger's NOTIFY, claims nothing (not due), and sleeps until T; at T it runs the
 * claim transaction (a round trip plus commit) and hands the task to a worker: that is the lateness.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PostgresScheduledLatenessBenchmark {

    @State(Scope.Benchmark)
    public static class IdleForeman {
        String schema;
        HikariDataSource producerPool;
        HikariDataSource foremanPool;
        TaskQueue producer;
        TaskQueue foremanQueue;
        Foreman foreman;
        LatenessProbe probe;
        BenchmarkParams params;
        Instant due;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws InterruptedException {
            this.params = params;
            probe = new LatenessProbe(params);
            schema = BenchPg.newSchema("late");
            producerPool = BenchPg.pool("bench-producer", 2);
            producer = BenchPg.openQueue(producerPool, schema);
            foremanPool = BenchPg.pool("bench-foreman", 4);
            foremanQueue = BenchPg.openQueue(foremanPool, schema);
            foreman = probe.attach(Foreman.builder(foremanQueue))
                    .stopOnShutdown(false)
                    .start();
            probe.warmUp(producer);
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            probe.measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Untimed: the previous task's claim has gone idle; the next task's due time. */
        @Setup(Level.Invocation)
        public void arm() throws InterruptedException {
            due = probe.arm();
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

    @Benchmark
    public void dueAt_toHandlerStart(IdleForeman s) throws InterruptedException {
        long id = s.producer.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1), Enqueue.at(s.due));
        s.probe.record(id);
    }
}
