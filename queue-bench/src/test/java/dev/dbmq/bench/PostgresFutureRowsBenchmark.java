package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Scheduled tasks, future-dated rows (PostgreSQL): as {@link FutureRowsBenchmark}, one {@code enqueueAll} of 1000
 * trivial tasks due now to the last handler finished, with {@code future} tasks of the same name due in 30 days
 * pending, against none, in the same run (target: at most 10% slower). The producer has its own pool and TaskQueue
 * (wakeups by NOTIFY only), the foreman 4 workers, as {@link PostgresEnqueueToFinishBenchmark}'s 1 × 4 row.
 *
 * <p>{@value #FUTURE_ROWS} future rows, not SQLite's 1,000,000: the fill (untimed, once per trial) took 25 s for
 * 1,000,000 here (2026-12-02, load ~9), too long for the smoke pass; 200,000 take about 5 s. Then the table is
 * {@code ANALYZE}d, as autovacuum would in production (it is off on this machine's server), so the planner knows it is
 * large.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PostgresFutureRowsBenchmark {

    static final int TASKS = 1000;
    static final String FUTURE_ROWS = "200000";

    @State(Scope.Benchmark)
    public static class Future {
        @Param({"0", FUTURE_ROWS})
        public int future;

        String schema;
        HikariDataSource producerPool;
        HikariDataSource foremanPool;
        TaskQueue producer;
        TaskQueue foremanQueue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);
        final AtomicLong ranEarly = new AtomicLong();
        final CountDownLatch firstIdle = new CountDownLatch(1);
        List<BenchDb.Trivial> batch;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws Exception {
            schema = BenchPg.newSchema("future");
            producerPool = BenchPg.pool("bench-producer", 2);
            try {
                producer = BenchPg.openQueue(producerPool, schema); // creates and migrates the schema
                FutureRowsBenchmark.fillFuture(producer, future, params);
                BenchPg.analyze(producerPool, schema);
                foremanPool = BenchPg.pool("bench-foreman", 4);
                foremanQueue = BenchPg.openQueue(foremanPool, schema);
                foreman = Foreman.builder(foremanQueue)
                        .handle(BenchDb.TRIVIAL, args -> {
                            if (args.n() < 0) {
                                ranEarly.incrementAndGet();
                            }
                            finished.countDown();
                        })
                        .listener(new ForemanListener() {
                            @Override
                            public void idle(ForemanEvent.Idle e) {
                                firstIdle.countDown();
                            }
                        })
                        .stopOnShutdown(false)
                        .start();
                if (!firstIdle.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the foreman did not go idle within 60 s of starting on "
                            + future + " future-dated tasks");
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
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
            try {
                FutureRowsBenchmark.checkFuture(producer, future, ranEarly.get());
            } finally {
                close();
            }
        }

        private void close() {
            if (foreman != null) {
                foreman.close();
            }
            if (foremanQueue != null) {
                foremanQueue.close();
            }
            if (foremanPool != null) {
                foremanPool.close();
            }
            if (producer != null) {
                producer.close();
            }
            BenchPg.dropSchema(producerPool, schema);
            producerPool.close();
        }
    }

    @Benchmark
    public void enqueueAll_1000_toFinished(Future s) throws InterruptedException {
        CountDownLatch latch = s.arm();
        s.producer.enqueueAll(BenchDb.TRIVIAL, s.batch);
        if (!latch.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 120 s, with "
                    + s.future + " future-dated tasks pending");
        }
    }
}
