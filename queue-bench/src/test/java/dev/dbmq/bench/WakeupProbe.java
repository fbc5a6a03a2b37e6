package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.TaskEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One wakeup sample at a time, for the wakeup-latency benchmarks (SQLite and PostgreSQL): a foreman built with
 * {@link #attach} records when its handler starts; {@link #arm} waits (untimed) until the previous sample's claim has
 * gone idle (or, given an idle time, until the previous sample's task finished, and then that long); {@link #record}
 * adds "handler started − enqueue returned" to one histogram and "handler started − enqueue called" to another (key +
 * {@value #FROM_CALL}) in measurement iterations.
 *
 * <p>Threads: the benchmark thread arms and records; the foreman's worker and loop threads count the latches down.
 */
final class WakeupProbe {

    /** The suffix of the key of the histogram counted from the enqueue call. */
    static final String FROM_CALL = ":fromCall";

    private final LatencyHistogram histogram;
    private final LatencyHistogram fromCall;
    private final long idleNanos;
    private volatile long startedAt;
    private volatile CountDownLatch started = new CountDownLatch(0);
    private volatile CountDownLatch idle = new CountDownLatch(0);
    private volatile CountDownLatch finished = new CountDownLatch(0);
    volatile boolean measuring;

    WakeupProbe(BenchmarkParams params) {
        this(params, 0);
    }

    /** A probe whose {@link #arm} also lets the foreman stay idle for {@code idleNanos} before each sample. */
    WakeupProbe(BenchmarkParams params, long idleNanos) {
        this.histogram = new LatencyHistogram(SideResults.key(params));
        this.fromCall = new LatencyHistogram(SideResults.key(params) + FROM_CALL);
        this.idleNanos = idleNanos;
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
                    public void idle(ForemanEvent.Idle e) {
                        idle.countDown();
                    }

                    @Override
                    public void taskSucceeded(TaskEvent.Succeeded e) {
                        finished.countDown();
                    }
                });
    }

    void arm() throws InterruptedException {
        if (idleNanos > 0) {
            // A task handed over by a producer of the foreman's JVM (SQLite) leaves the foreman idle throughout: no
            // idle() follows it. So: the previous sample's task has finished, and then the workload (not
            // synchronisation): a foreman idle this long, its threads parked, its caches cooled.
            await(finished, "the previous sample's task to finish");
            LockSupport.parkNanos(idleNanos);
        } else {
            await(idle, "the foreman to go idle");
        }
        idle = new CountDownLatch(1);
        finished = new CountDownLatch(1);
        started = new CountDownLatch(1);
    }

    void record(long enqueuedAt) throws InterruptedException {
        record(Long.MIN_VALUE, enqueuedAt);
    }

    /** Both definitions: from {@code calledAt} (MIN_VALUE: not measured) and from {@code returnedAt}. */
    void record(long calledAt, long returnedAt) throws InterruptedException {
        await(started, "the handler to start");
        if (measuring) {
            histogram.add(startedAt - returnedAt);
            if (calledAt != Long.MIN_VALUE) {
                fromCall.add(startedAt - calledAt);
            }
        }
    }

    void write() {
        histogram.write();
        fromCall.write();
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited 10 s for " + what);
        }
    }
}
