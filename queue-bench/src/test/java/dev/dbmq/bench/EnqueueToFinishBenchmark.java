package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.sql.Connection;
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

/**
 * Question 1: how long do 1000 trivial tasks take from the first enqueue to the last handler finished? Foreman with
 * the default 4 workers, file database in WAL mode. Against the floor measured in the same run: 1000 raw JDBC
 * single-row INSERT transactions with the same settings, one reused prepared statement ({@link #rawJdbc_1000_inserts}).
 *
 * <p>SampleTime: every invocation is timed, so the JSON has the median (p0.50) per benchmark.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class EnqueueToFinishBenchmark {

    static final int TASKS = 1000;

    /** A queue with a running foreman whose handler counts finished tasks down on the current latch. */
    @State(Scope.Benchmark)
    public static class WithForeman {
        @Param({"NORMAL", "FULL"})
        public Synchronous synchronous;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);
        List<BenchDb.Trivial> batch;

        @Setup(Level.Trial)
        public void start() {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, synchronous);
            foreman = Foreman.builder(queue)
                    .handle(BenchDb.TRIVIAL, args -> finished.countDown())
                    .stopOnShutdown(false)
                    .start();
            batch = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                batch.add(new BenchDb.Trivial(i));
            }
        }

        CountDownLatch arm() {
            CountDownLatch latch = new CountDownLatch(TASKS);
            finished = latch;
            return latch;
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            foreman.close();
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    /** A producer JVM beside the foreman's: wakeups travel through the wakeup directory. */
    @State(Scope.Benchmark)
    public static class OtherProcess {
        ProducerProcess producer;

        @Setup(Level.Trial)
        public void start(WithForeman foreman) {
            producer = new ProducerProcess(foreman.dir, foreman.synchronous);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            producer.close();
        }
    }

    /** The floor: a database with the same settings and no foreman, written through raw JDBC. */
    @State(Scope.Benchmark)
    public static class Raw {
        @Param({"NORMAL", "FULL"})
        public Synchronous synchronous;

        Path dir;
        RawInsert insert;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = BenchDb.newDirectory();
            BenchDb.openQueue(dir, synchronous).close(); // creates and migrates the schema
            Connection c = BenchDb.rawConnection(dir, synchronous);
            insert = new RawInsert(c);
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
    public void inProcess_1000_enqueue(WithForeman s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        for (int i = 0; i < TASKS; i++) {
            s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
        }
        await(latch);
    }

    @Benchmark
    public void inProcess_1000_enqueueAll(WithForeman s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        s.queue.enqueueAll(BenchDb.TRIVIAL, s.batch);
        await(latch);
    }

    @Benchmark
    public void crossProcess_1000_enqueue(WithForeman s, OtherProcess p) throws InterruptedException {
        CountDownLatch latch = s.arm();
        p.producer.send("enqueue " + TASKS);
        p.producer.awaitOk();
        await(latch);
    }

    @Benchmark
    public void crossProcess_1000_enqueueAll(WithForeman s, OtherProcess p) throws InterruptedException {
        CountDownLatch latch = s.arm();
        p.producer.send("enqueueAll " + TASKS);
        p.producer.awaitOk();
        await(latch);
    }

    /**
     * The producer's own share: {@link #inProcess_1000_enqueue}'s enqueues on a queue with the same settings and no
     * foreman anywhere (question 3's state), so nothing is claimed or run. Beside the floor it shows what
     * {@code enqueue} costs by itself, before a foreman competes for the two vCPUs and the connection.
     */
    @Benchmark
    public long producerOnly_1000_enqueue(EnqueueThroughputBenchmark.Queue q) {
        long last = 0;
        for (int i = 0; i < TASKS; i++) {
            last = q.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
        }
        return last;
    }

    @Benchmark
    public long rawJdbc_1000_inserts(Raw r) throws Exception {
        long last = 0;
        for (int i = 0; i < TASKS; i++) {
            last = r.insert.insertReusingStatement("trivial", "{\"n\":" + i + "}", System.currentTimeMillis());
        }
        return last;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s");
        }
    }
}
