package dev.dbmq.micrometer;

import dev.dbmq.ForemanListener;
import dev.dbmq.TaskEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A foreman's tasks as Micrometer meters, each tagged {@code task} (the task's name):
 * <ul>
 * <li>{@code dbmq.task.wait}, a timer: from an attempt's due time (its enqueue, for a task due at once) to its
 * handler's start, by this listener's clock (the queue's should be the same: the system clock);
 * <li>{@code dbmq.task.run}, a timer tagged {@code outcome} {@code success} or {@code failure}: the handler's run;
 * <li>{@code dbmq.tasks.retried}, a counter: attempts that threw and were queued again;
 * <li>{@code dbmq.tasks.failed}, a counter tagged {@code reason}: {@code handler} (its last attempt threw, or it
 * threw a {@code NonRetryableException}; kept in the failed-tasks table), {@code rejected} (unknown name or
 * undecodable args; kept too) or {@code interrupted} (its foreman died while it ran; counted by the foreman that
 * found it);
 * <li>{@code dbmq.tasks.rerun}, a counter: at-least-once tasks whose foreman died while they ran, written back as
 * their next attempt (counted by the foreman that found them);
 * <li>{@code dbmq.tasks.fenced}, a counter: attempts whose outcome was discarded because another foreman had settled
 * them (this one was taken for gone);
 * <li>{@code dbmq.tasks.cancelled} and {@code dbmq.tasks.snoozed}, counters: running tasks cancelled and stopped;
 * attempts that snoozed.
 * </ul>
 *
 * <pre>{@code
 * Foreman.builder(queue).listener(new ForemanMetrics(registry)).handle(DIGEST, handler).start();
 * }</pre>
 *
 * <p>The foreman calls it on its worker threads (and, for a rejection, on the thread that claimed); it keeps no state
 * but its meters, as each event says how long its handler ran.
 */
public final class ForemanMetrics implements ForemanListener {

    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Map<String, TaskMeters> byTask = new ConcurrentHashMap<>();

    /** Meters in {@code registry}; waits by the system clock. */
    public ForemanMetrics(MeterRegistry registry) {
        this(registry, InstantSource.system());
    }

    /** Meters in {@code registry}; waits by {@code clock} (a test's; in production the queue's, the system clock). */
    public ForemanMetrics(MeterRegistry registry, InstantSource clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The meters of one task name, made on its first event. */
    private record TaskMeters(Timer waited, Timer succeeded, Timer failed, Counter retried, Counter failedInHandler,
                              Counter rejected, Counter interrupted, Counter runAgain, Counter fenced,
                              Counter cancelled, Counter snoozed) {
        static TaskMeters of(MeterRegistry r, String task) {
            return new TaskMeters(
                    Timer.builder("dbmq.task.wait").description("From a task's due time to its handler's start")
                            .tag("task", task).register(r),
                    run(r, task, "success"),
                    run(r, task, "failure"),
                    Counter.builder("dbmq.tasks.retried").description("Attempts that threw and were queued again")
                            .tag("task", task).register(r),
                    failed(r, task, "handler"),
                    failed(r, task, "rejected"),
                    failed(r, task, "interrupted"),
                    Counter.builder("dbmq.tasks.rerun").description("At-least-once tasks whose foreman died while they"
                            + " ran, written back as their next attempt").tag("task", task).register(r),
                    Counter.builder("dbmq.tasks.fenced").description("Attempts whose outcome was discarded: another"
                            + " foreman had settled them").tag("task", task).register(r),
                    Counter.builder("dbmq.tasks.cancelled").description("Running tasks cancelled and stopped")
                            .tag("task", task).register(r),
                    Counter.builder("dbmq.tasks.snoozed").description("Attempts that snoozed: run again later")
                            .tag("task", task).register(r));
        }

        private static Timer run(MeterRegistry r, String task, String outcome) {
            return Timer.builder("dbmq.task.run").description("A handler's run").tag("task", task)
                    .tag("outcome", outcome).register(r);
        }

        private static Counter failed(MeterRegistry r, String task, String reason) {
            return Counter.builder("dbmq.tasks.failed").description("Tasks kept in the failed-tasks table")
                    .tag("task", task).tag("reason", reason).register(r);
        }
    }

    private TaskMeters meters(String task) {
        TaskMeters m = byTask.get(task);
        return m != null ? m : byTask.computeIfAbsent(task, t -> TaskMeters.of(registry, t));
    }

    @Override
    public void taskStarted(TaskEvent.Started e) {
        long waitedMillis = clock.millis() - e.context().scheduledAt().toEpochMilli();
        meters(e.taskName()).waited().record(Math.max(0, waitedMillis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void taskSucceeded(TaskEvent.Succeeded e) {
        meters(e.taskName()).succeeded().record(e.took());
    }

    @Override
    public void taskFailed(TaskEvent.Failed e) {
        TaskMeters m = meters(e.taskName());
        m.failed().record(e.took());
        m.failedInHandler().increment();
    }

    @Override
    public void taskRetrying(TaskEvent.Retrying e) {
        TaskMeters m = meters(e.taskName());
        m.failed().record(e.took());
        m.retried().increment();
    }

    @Override
    public void taskRejected(TaskEvent.Rejected e) {
        meters(e.taskName()).rejected().increment();
    }

    /** Counted by the foreman that found the task (its own died): kept as failed, or run again. */
    @Override
    public void taskInterrupted(TaskEvent.Interrupted e) {
        TaskMeters m = meters(e.taskName());
        (e.runsAgain() ? m.runAgain() : m.interrupted()).increment();
    }

    @Override
    public void taskFenced(TaskEvent.Fenced e) {
        meters(e.taskName()).fenced().increment();
    }

    @Override
    public void taskCancelled(TaskEvent.Cancelled e) {
        meters(e.taskName()).cancelled().increment();
    }

    @Override
    public void taskSnoozed(TaskEvent.Snoozed e) {
        meters(e.taskName()).snoozed().increment();
    }
}
