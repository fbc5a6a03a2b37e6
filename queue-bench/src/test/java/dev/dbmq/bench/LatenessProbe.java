package dev.dbmq.bench;

import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One scheduled-task sample at a time, for the lateness benchmarks (SQLite and PostgreSQL): a task due at T
 * ({@code Enqueue.at(T)}, T a whole epoch millisecond {@link #LEAD} ahead), and how late its handler starts: the
 * system clock ({@link Instant#now()}, microseconds on Linux) read first thing in the handler, minus T. Both come
 * from the same clock the queue uses for due times (the system clock, the default).
 *
 * <p>The foreman must be asleep waiting for T, not still busy with the enqueue's wakeup: the enqueue wakes it, its
 * claim finds nothing due and it goes idle, then sleeps until T. A sample counts as asleep when the foreman went
 * idle after {@link #arm} and before T (by the same clock); samples where it did not (it was still claiming at T,
 * under load) are kept in the histogram and counted apart ({@code not_asleep}), so the report can say so.
 *
 * <p>Threads: the benchmark thread arms and records; the foreman's loop thread calls idle(), a worker the handler.
 */
final class LatenessProbe {

    /** How far ahead of the enqueue a task is due: enough for the wakeup's empty claim to finish first. */
    static final Duration LEAD = Duration.ofMillis(30);

    /** One task due at {@link #due}: what the handler and the idle hook saw of it. */
    private static final class Sample {
        final Instant due;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch idleAfterDue = new CountDownLatch(1);
        volatile boolean idleBeforeDue;
        volatile Instant startedAt;
        volatile TaskContext context;

        Sample(Instant due) {
            this.due = due;
        }
    }

    private final LatencyHistogram histogram;
    private final String key;
    private final String fileName;
    // Stands for the foreman's start-up: its first idle() (at a clock reading after epoch 0) settles it.
    private volatile Sample current = new Sample(Instant.EPOCH);
    private long asleep;
    private long notAsleep;
    volatile boolean measuring;

    LatenessProbe(BenchmarkParams params) {
        this.key = SideResults.key(params);
        this.fileName = SideResults.SCHEDULED;
        this.histogram = new LatencyHistogram(key, fileName);
    }

    /** The trivial task's handler, with its context, and the idle hook, on a foreman builder. */
    Foreman.Builder attach(Foreman.Builder builder) {
        return builder
                .handle(BenchDb.TRIVIAL, (args, ctx) -> {
                    Instant now = Instant.now(); // first: the end of the measured interval
                    Sample s = current;
                    s.startedAt = now;
                    s.context = ctx;
                    s.started.countDown();
                })
                .listener(new ForemanListener() {
                    @Override
                    public void idle(ForemanEvent.Idle e) {
                        Sample s = current;
                        if (Instant.now().isBefore(s.due)) {
                            s.idleBeforeDue = true; // the wakeup's empty claim: the foreman now sleeps until T
                        } else {
                            s.idleAfterDue.countDown(); // the claim that took the task (or start-up) is done
                        }
                    }
                });
    }

    /**
     * Untimed: waits until the previous sample's claim has gone idle (so its idle() can't be taken for this one's),
     * then makes the next sample, due at a whole millisecond {@link #LEAD} from now, and returns its due time.
     */
    Instant arm() throws InterruptedException {
        await(current.idleAfterDue, "the foreman to go idle after the previous task");
        Instant due = Instant.ofEpochMilli(System.currentTimeMillis() + LEAD.toMillis());
        current = new Sample(due);
        return due;
    }

    /**
     * Untimed, not recorded: one sample, so that the first timed one is not also the first enqueue and claim of a
     * cold JVM (over a second on a loaded machine, longer than the lead).
     */
    void warmUp(TaskQueue producer) throws InterruptedException {
        Instant due = arm();
        record(producer.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(0), Enqueue.at(due)));
    }

    /** Waits for the handler of the task with this id, checks what it saw, and adds its lateness in measurement. */
    void record(long taskId) throws InterruptedException {
        Sample s = current;
        await(s.started, "the handler of the task due at " + s.due + " to start");
        TaskContext ctx = s.context;
        if (ctx.id() != taskId || !ctx.scheduledAt().equals(s.due)) {
            throw new IllegalStateException("expected task " + taskId + " scheduled at " + s.due + ", the handler got "
                    + ctx);
        }
        long lateNanos = Duration.between(s.due, s.startedAt).toNanos();
        if (lateNanos < 0) {
            throw new IllegalStateException("task " + taskId + " due at " + s.due + " started early, at "
                    + s.startedAt);
        }
        if (measuring) {
            histogram.add(lateNanos);
            if (s.idleBeforeDue) {
                asleep++;
            } else {
                notAsleep++;
            }
        }
    }

    /** The histogram, with how many samples found the foreman asleep before T and how many did not. */
    void write() {
        String h = histogram.toJson();
        SideResults.put(fileName, key, String.format(Locale.ROOT, "%s, \"asleep\": %d, \"not_asleep\": %d, "
                + "\"lead_ms\": %d}", h.substring(0, h.length() - 1), asleep, notAsleep, LEAD.toMillis()));
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited 10 s for " + what);
        }
    }
}
