package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.ForemanListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One wakeup sample at a time, for the wakeup-latency benchmarks (SQLite and PostgreSQL): a foreman built with
 * {@link #attach} records when its handler starts; {@link #arm} waits (untimed) until the previous sample's claim has
 * gone idle; {@link #record} adds "handler started − enqueue returned" to the histogram in measurement iterations.
 *
 * <p>Threads: the benchmark thread arms and records; the foreman's worker and loop threads count the latches down.
 */
final class WakeupProbe {

    private final LatencyHistogram histogram;
    private volatile long startedAt;
    private volatile CountDownLatch started = new CountDownLatch(0);
    private volatile CountDownLatch idle = new CountDownLatch(0);
    volatile boolean measuring;

    WakeupProbe(BenchmarkParams params) {
        this.histogram = new LatencyHistogram(SideResults.key(params));
    }

    /** The trivial task's handler and the idle hook, on a foreman builder. */
    Foreman.Builder attach(Foreman.Builder builder) {
        return builder
                .handle(BenchDb.TRIVIAL, args -> {
                    startedAt = System.nanoTime();
                    started.countDown();
                })
                .listener(new ForemanListener() {
                    @Override
                    public void idle() {
                        idle.countDown();
                    }
                });
    }

    void arm() throws InterruptedException {
        await(idle, "the foreman to go idle");
        idle = new CountDownLatch(1);
        started = new CountDownLatch(1);
    }

    void record(long enqueuedAt) throws InterruptedException {
        await(started, "the handler to start");
        if (measuring) {
            histogram.add(startedAt - enqueuedAt);
        }
    }

    void write() {
        histogram.write();
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited 10 s for " + what);
        }
    }
}
