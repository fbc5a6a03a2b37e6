package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
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
 * What keeping a history of finished attempts costs ({@code QueueSettings.history}): the 1000-task rows of
 * {@link EnqueueToFinishBenchmark} (SQLite, 1000 × {@code enqueue} in-process, from the first enqueue to the last
 * handler finished) and {@link PostgresEnqueueToFinishBenchmark} (one {@code enqueueAll} of 1000, one foreman of 4
 * workers), with the history off ({@code PT0S}) and kept for a day (the default, {@code PT24H}), in one run, so the
 * ratio compares like with like. Each trial's database starts empty; the history grows by 1000 rows an invocation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class HistoryCostBenchmark {

    static final int TASKS = 1000;

    /** A SQLite queue with a running foreman whose handler counts finished tasks down on the current latch. */
    @State(Scope.Benchmark)
    public static class Sqlite {
        @Param({"PT0S", "PT24H"})
        public String history;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);

        @Setup(Level.Trial)
        public void start() {
            dir = BenchDb.newDirectory();
            queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).synchronous(Synchronous.NORMAL)
                    .history(Duration.parse(history)).build());
            foreman = Foreman.builder(queue).handle(BenchDb.TRIVIAL, args -> finished.countDown())
                    .stopOnShutdown(false).start();
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

    /** The same on PostgreSQL: a schema per trial, one foreman of 4 workers with a pool of its own. */
    @State(Scope.Benchmark)
    public static class Postgres {
        @Param({"PT0S", "PT24H"})
        public String history;

        HikariDataSource producerPool;
        HikariDataSource foremanPool;
        String schema;
        TaskQueue producer;
        TaskQueue foremanQueue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);
        List<BenchDb.Trivial> batch;

        @Setup(Level.Trial)
        public void start() {
            producerPool = BenchPg.pool("history-producer", 2);
            foremanPool = BenchPg.pool("history-foreman", 6);
            schema = BenchPg.newSchema("history");
            Duration keep = Duration.parse(history);
            producer = TaskQueue.open(QueueSettings.postgres(producerPool).schema(schema).history(keep).build());
            foremanQueue = TaskQueue.open(QueueSettings.postgres(foremanPool).schema(schema).history(keep).build());
            foreman = Foreman.builder(foremanQueue).handle(BenchDb.TRIVIAL, args -> finished.countDown())
                    .workers(4).stopOnShutdown(false).start();
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
            foremanQueue.close();
            producer.close();
            BenchPg.dropSchema(producerPool, schema);
            foremanPool.close();
            producerPool.close();
        }
    }

    @Benchmark
    public void sqlite_inProcess_1000_enqueue(Sqlite s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        for (int i = 0; i < TASKS; i++) {
            s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
        }
        await(latch);
    }

    @Benchmark
    public void postgres_1000_enqueueAll(Postgres s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        s.producer.enqueueAll(BenchDb.TRIVIAL, s.batch);
        await(latch);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s");
        }
    }
}
