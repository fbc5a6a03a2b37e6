package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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

/**
 * What a global concurrency limit costs (PostgreSQL): 4 foremen of 10 workers each (own pools and queues, as separate
 * hosts would have) on one schema, and a producer of its own. {@code limit} 40 never binds (40 workers in all), so
 * the difference to {@code none} is the limit's machinery: each claim's places of the limited type (taken with
 * {@code SKIP LOCKED}, checked, and held by the attempts it records).
 *
 * <ul>
 * <li>{@code limitedType}: one {@code enqueueAll} of 2,000 tasks of the limited type, to the last handler finished.
 * <li>{@code otherType}: 1,000 of the limited type and 1,000 of another, unlimited type in one lane, to the last
 * handler of the other type finished: what the limited type's claims cost the others.
 * </ul>
 * Each handler works {@code workMillis} (a sleep: a task waiting on I/O; 0 is the worst case, all overhead).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PostgresLimitBenchmark {

    public record Job(int n) {
    }

    static final int FOREMEN = 4;
    static final int WORKERS = 10;
    static final int TASKS = 2_000;

    @State(Scope.Benchmark)
    public static class Foremen {
        @Param({"none", "40"})
        public String limit;

        @Param({"0", "5"})
        public int workMillis;

        Task<Job> limited;
        final Task<Job> other = Task.of("other", Job.class);
        String schema;
        HikariDataSource producerPool;
        TaskQueue producer;
        final List<HikariDataSource> pools = new ArrayList<>();
        final List<TaskQueue> queues = new ArrayList<>();
        final List<Foreman> running = new ArrayList<>();
        volatile CountDownLatch limitedDone = new CountDownLatch(0);
        volatile CountDownLatch otherDone = new CountDownLatch(0);
        List<Job> all;
        List<Job> half;

        @Setup(Level.Trial)
        public void start() {
            Task<Job> type = Task.of("limited", Job.class);
            limited = limit.equals("none") ? type : type.limit(Integer.parseInt(limit));
            schema = BenchPg.newSchema("limit");
            producerPool = BenchPg.pool("bench-producer", 2);
            producer = BenchPg.openQueue(producerPool, schema);
            for (int f = 0; f < FOREMEN; f++) {
                HikariDataSource pool = BenchPg.pool("bench-foreman-" + f, 4);
                pools.add(pool);
                TaskQueue queue = BenchPg.openQueue(pool, schema);
                queues.add(queue);
                running.add(Foreman.builder(queue)
                        .handle(limited, args -> {
                            work();
                            limitedDone.countDown();
                        })
                        .handle(other, args -> {
                            work();
                            otherDone.countDown();
                        })
                        .workers(WORKERS)
                        .stopOnShutdown(false)
                        .start());
            }
            all = IntStream.range(0, TASKS).mapToObj(Job::new).toList();
            half = all.subList(0, TASKS / 2);
        }

        /** After each invocation, untimed: the limited type's tasks of otherType finish before the next begins. */
        @TearDown(Level.Invocation)
        public void drain() throws InterruptedException {
            await(limitedDone);
        }

        private void work() throws InterruptedException {
            if (workMillis > 0) {
                Thread.sleep(workMillis);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            for (Foreman f : running) {
                f.close();
            }
            for (TaskQueue q : queues) {
                q.close();
            }
            producer.close();
            BenchPg.dropSchema(producerPool, schema);
            for (HikariDataSource p : pools) {
                p.close();
            }
            producerPool.close();
        }
    }

    @Benchmark
    public void limitedType(Foremen s) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        s.limitedDone = done;
        s.producer.enqueueAll(s.limited, s.all);
        await(done);
    }

    @Benchmark
    public void otherType(Foremen s) throws InterruptedException {
        CountDownLatch limitedDone = new CountDownLatch(TASKS / 2);
        CountDownLatch otherDone = new CountDownLatch(TASKS / 2);
        s.limitedDone = limitedDone;
        s.otherDone = otherDone;
        s.producer.enqueueAll(s.limited, s.half);
        s.producer.enqueueAll(s.other, s.half);
        await(otherDone);
    }

    private static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " tasks unfinished after 120 s");
        }
    }
}
