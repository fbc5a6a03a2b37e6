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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Question 3: how many enqueues per second does one thread get through {@code TaskQueue.enqueue}, against the floor,
 * the same single-row INSERT transaction in raw JDBC on a database with the same settings, in the same run? No
 * foreman runs (as in a web process whose foreman lives elsewhere), so each enqueue also leaves its wakeup in the
 * wakeup directory. One thread: SQLite has one writer at a time anyway.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class EnqueueThroughputBenchmark {

    @State(Scope.Benchmark)
    public static class Queue {
        @Param({"NORMAL", "FULL"})
        public Synchronous synchronous;

        Path dir;
        TaskQueue queue;
        private final AtomicInteger n = new AtomicInteger(); // ConcurrentEnqueueBenchmark's producers share it

        int next() {
            return n.getAndIncrement();
        }

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
    public long enqueue(Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.next()));
    }

    /** The floor as plain JDBC code writes it: prepare, bind, execute, close. */
    @Benchmark
    public long rawJdbc_prepareEachTime(Raw r) throws Exception {
        return r.insert.insertPreparedEachTime("trivial", "{\"n\":" + r.n++ + "}", System.currentTimeMillis());
    }

    /** The lowest floor: one prepared statement, re-bound and re-executed. */
    @Benchmark
    public long rawJdbc_reusedStatement(Raw r) throws Exception {
        return r.insert.insertReusingStatement("trivial", "{\"n\":" + r.n++ + "}", System.currentTimeMillis());
    }
}
