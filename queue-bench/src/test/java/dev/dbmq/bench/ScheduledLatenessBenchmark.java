package dev.dbmq.bench;

import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
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
 * Scheduled tasks, lateness (SQLite): a task due at T on an idle foreman: how late does its handler start? T is the
 * instant given to {@code Enqueue.at(T)}, a whole epoch millisecond {@link LatenessProbe#LEAD} (30 ms) after the
 * enqueue, so the foreman has handled the enqueue's wakeup and is asleep until T; the end is {@link Instant#now()} read
 * first thing in the handler. Exact percentiles over every measurement sample in {@code target/scheduled-lateness.json}
 * ({@link LatenessProbe}). JMH's own SampleTime is the lead plus the lateness plus the enqueue: not the measure.
 *
 * <p>Producer and foreman share the TaskQueue (the enqueue signals the foreman directly); what is measured is the
 * foreman's own timer, not a wakeup. Synchronous=NORMAL, WAL file database, 4 workers.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ScheduledLatenessBenchmark {

    @State(Scope.Benchmark)
    public static class IdleForeman {
        Path dir;
        TaskQueue queue;
        Foreman foreman;
        LatenessProbe probe;
        BenchmarkParams params;
        Instant due;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws InterruptedException {
            this.params = params;
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            probe = new LatenessProbe(params);
            foreman = probe.attach(Foreman.builder(queue))
                    .stopOnShutdown(false)
                    .start();
            probe.warmUp(queue);
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
            queue.close();
            BenchDb.deleteTree(dir);
            probe.write();
            SideResults.recordLoad(params);
        }
    }

    @Benchmark
    public void dueAt_toHandlerStart(IdleForeman s) throws InterruptedException {
        long id = s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1), Enqueue.at(s.due));
        s.probe.record(id);
    }
}
