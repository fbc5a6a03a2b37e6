package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import dev.dbmq.micrometer.ForemanMetrics;
import dev.dbmq.micrometer.QueueMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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
 * What queue-micrometer costs on question 1's row (1000 × {@code enqueue} in-process, from the first call
 * to the last handler finished, SQLite NORMAL, 4 workers): {@code metrics=none} is that row; {@code micrometer} adds
 * a {@link ForemanMetrics} listener and binds {@link QueueMetrics}, both on a {@link SimpleMeterRegistry} (the gauges
 * are read only when scraped, and nothing scrapes here). The goal is at most 5% over {@code none}, in one run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class MetricsOverheadBenchmark {

    static final int TASKS = EnqueueToFinishBenchmark.TASKS;

    @State(Scope.Benchmark)
    public static class WithForeman {
        @Param({"none", "micrometer"})
        public String metrics;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);

        @Setup(Level.Trial)
        public void start() {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            Foreman.Builder builder = Foreman.builder(queue)
                    .handle(BenchDb.TRIVIAL, args -> finished.countDown())
                    .stopOnShutdown(false);
            if (metrics.equals("micrometer")) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                new QueueMetrics(queue).bindTo(registry);
                builder.listener(new ForemanMetrics(registry));
            }
            foreman = builder.start();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            foreman.close();
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    @Benchmark
    public void inProcess_1000_enqueue(WithForeman s) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(TASKS);
        s.finished = latch;
        for (int i = 0; i < TASKS; i++) {
            s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
        }
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s");
        }
    }
}
