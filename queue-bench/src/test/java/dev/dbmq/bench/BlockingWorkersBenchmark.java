package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
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

/**
 * Handlers that block. 10,000 tasks, each sleeping 100 ms in its handler (the stand-in for a call that
 * waits on the network), one {@code enqueueAll} to the last handler finished, on 1,000 workers: virtual threads
 * ({@code Foreman.Builder.workerThreadFactory(Thread.ofVirtual().factory())}) against 1,000 platform threads. The
 * floor is the sleeping itself: 10 rounds of 100 ms, 1,000 ms.
 *
 * <p>{@link #virtualThreads} needs JDK 21+: on an older JDK its trial fails at set-up, saying so (the CI smoke pass
 * excludes it on JDK 17 and runs it on the newer JDK). The sleep is the workload being measured, not synchronisation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class BlockingWorkersBenchmark {

    static final int TASKS = 10_000;
    static final int WORKERS = 1_000;
    static final long BLOCK_MILLIS = 100;

    /** A foreman of 1,000 workers whose handler blocks; the subclasses say on which threads. */
    public abstract static class Workers {
        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch finished = new CountDownLatch(0);
        final List<BenchDb.Trivial> batch = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() throws Exception {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            Foreman.Builder b = Foreman.builder(queue).workers(WORKERS).stopOnShutdown(false)
                    .handle(BenchDb.TRIVIAL, args -> {
                        Thread.sleep(BLOCK_MILLIS);
                        finished.countDown();
                    });
            ThreadFactory threads = threads();
            if (threads != null) {
                b.workerThreadFactory(threads);
            }
            foreman = b.start();
            for (int i = 0; i < TASKS; i++) {
                batch.add(new BenchDb.Trivial(i));
            }
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            if (foreman != null) {
                foreman.close();
            }
            if (queue != null) {
                queue.close();
            }
            BenchDb.deleteTree(dir);
        }

        /** The worker threads' factory, or null for the foreman's default (platform threads). */
        abstract ThreadFactory threads() throws Exception;
    }

    @State(Scope.Benchmark)
    public static class PlatformWorkers extends Workers {
        @Override
        ThreadFactory threads() {
            return null;
        }
    }

    @State(Scope.Benchmark)
    public static class VirtualWorkers extends Workers {
        /** {@code Thread.ofVirtual().factory()}, by reflection: the suite compiles for Java 17. */
        @Override
        ThreadFactory threads() throws Exception {
            if (Runtime.version().feature() < 21) {
                throw new UnsupportedOperationException("virtual threads need JDK 21+; this is "
                        + Runtime.version() + " (run this row with JAVA_HOME on a newer JDK)");
            }
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        }
    }

    @Benchmark
    public void platformThreads(PlatformWorkers w) throws InterruptedException {
        run(w);
    }

    @Benchmark
    public void virtualThreads(VirtualWorkers w) throws InterruptedException {
        run(w);
    }

    private static void run(Workers w) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(TASKS);
        w.finished = latch;
        w.queue.enqueueAll(BenchDb.TRIVIAL, w.batch);
        if (!latch.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 120 s");
        }
    }
}
