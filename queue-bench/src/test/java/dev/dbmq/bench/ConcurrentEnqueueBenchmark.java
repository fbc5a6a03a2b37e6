package dev.dbmq.bench;

import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Issue #13, group commit: 1, 4 and 16 producer threads of one JVM calling {@code TaskQueue.enqueue} at once on one
 * queue, each call returning only once its task is committed; aggregate enqueues/s (JMH sums the threads). Beside
 * them, in the same run, the floor: one thread of raw JDBC single-row INSERTs, one transaction per row, one prepared
 * statement reused ({@link RawInsert}). No foreman runs, as in {@link EnqueueThroughputBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ConcurrentEnqueueBenchmark {

    @State(Scope.Benchmark)
    public static class Queue {
        @Param({"NORMAL", "FULL"})
        public Synchronous synchronous;

        Path dir;
        TaskQueue queue;
        final AtomicInteger n = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, synchronous);
        }

        @Setup(Level.Iteration)
        public void clear() {
            BenchDb.clearTasks(dir, synchronous);
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) {
            SideResults.recordLoad(params);
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class Raw {
        @Param({"NORMAL", "FULL"})
        public Synchronous synchronous;

        Path dir;
        RawInsert insert;
        int n;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = BenchDb.newDirectory();
            BenchDb.openQueue(dir, synchronous).close(); // creates and migrates the schema
            insert = new RawInsert(BenchDb.rawConnection(dir, synchronous));
        }

        @Setup(Level.Iteration)
        public void clear() {
            BenchDb.clearTasks(dir, synchronous);
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) throws Exception {
            SideResults.recordLoad(params);
            insert.close();
            BenchDb.deleteTree(dir);
        }
    }

    @Benchmark
    @Threads(1)
    public long producers01(Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.n.getAndIncrement()));
    }

    @Benchmark
    @Threads(4)
    public long producers04(Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.n.getAndIncrement()));
    }

    @Benchmark
    @Threads(16)
    public long producers16(Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.n.getAndIncrement()));
    }

    /** The floor: one thread, one prepared statement, one transaction per row. */
    @Benchmark
    @Threads(1)
    public long rawJdbc_oneThread(Raw r) throws Exception {
        return r.insert.insertReusingStatement("trivial", "{\"n\":" + r.n++ + "}", System.currentTimeMillis());
    }
}
