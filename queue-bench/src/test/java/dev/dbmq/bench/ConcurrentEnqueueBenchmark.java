package dev.dbmq.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group commit: 1, 4 and 16 producer threads of one JVM calling {@code TaskQueue.enqueue} at once on one
 * queue, each call returning only once its task is committed; aggregate enqueues/s (JMH sums the threads). Beside
 * them, in the same run, the floor: one thread of raw JDBC single-row INSERTs, one transaction per row, one prepared
 * statement reused ({@link RawInsert}). No foreman runs; the states are {@link EnqueueThroughputBenchmark}'s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ConcurrentEnqueueBenchmark {

    @Benchmark
    @Threads(1)
    public long producers01(EnqueueThroughputBenchmark.Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.next()));
    }

    @Benchmark
    @Threads(4)
    public long producers04(EnqueueThroughputBenchmark.Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.next()));
    }

    @Benchmark
    @Threads(16)
    public long producers16(EnqueueThroughputBenchmark.Queue q) {
        return q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(q.next()));
    }

    /** The floor: one thread, one prepared statement, one transaction per row. */
    @Benchmark
    @Threads(1)
    public long rawJdbc_oneThread(EnqueueThroughputBenchmark.Raw r) throws Exception {
        return r.insert.insertReusingStatement("trivial", "{\"n\":" + r.n++ + "}", System.currentTimeMillis());
    }
}
