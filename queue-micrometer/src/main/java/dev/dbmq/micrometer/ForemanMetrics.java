package dev.dbmq.micrometer;

import dev.dbmq.ForemanListener;
import dev.dbmq.TaskContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
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
 * <li>{@code dbmq.tasks.failed}, a counter tagged {@code reason}: {@code handler} (its last attempt threw; kept in
 * the failed-tasks table) or {@code rejected} (unknown name or undecodable args; kept too).
 * </ul>
 *
 * <pre>{@code
 * Foreman.builder(queue).listener(new ForemanMetrics(registry)).handle(DIGEST, handler).start();
 * }</pre>
 *
 * <p>The foreman calls it on its worker threads (and, for a rejection, on the thread that claimed), so it keeps no
 * state but its meters: a handler's start time lives in a thread-local of the worker that runs it, from
 * {@code taskStarted} to the hook that ends the attempt, which the foreman calls on that same thread.
 */
public final class ForemanMetrics implements ForemanListener {

    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Map<String, TaskMeters> byTask = new ConcurrentHashMap<>();
    private final ThreadLocal<long[]> startedNanos = ThreadLocal.withInitial(() -> new long[1]);

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
                              Counter rejected) {
        static TaskMeters of(MeterRegistry r, String task) {
            return new TaskMeters(
                    Timer.builder("dbmq.task.wait").description("From a task's due time to its handler's start")
                            .tag("task", task).register(r),
                    run(r, task, "success"),
                    run(r, task, "failure"),
                    Counter.builder("dbmq.tasks.retried").description("Attempts that threw and were queued again")
                            .tag("task", task).register(r),
                    failed(r, task, "handler"),
                    failed(r, task, "rejected"));
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
    public void taskStarted(long taskId, String taskName, TaskContext context) {
        long waitedMillis = clock.millis() - context.scheduledAt().toEpochMilli();
        meters(taskName).waited().record(Math.max(0, waitedMillis), TimeUnit.MILLISECONDS);
        startedNanos.get()[0] = System.nanoTime();
    }

    @Override
    public void taskSucceeded(long taskId, String taskName, Duration took) {
        meters(taskName).succeeded().record(took);
    }

    @Override
    public void taskFailed(long taskId, String taskName, Throwable error) {
        TaskMeters m = meters(taskName);
        m.failed().record(ranNanos(), TimeUnit.NANOSECONDS);
        m.failedInHandler().increment();
    }

    @Override
    public void taskRetrying(long taskId, String taskName, int attempt, Instant nextAttemptAt, Throwable error) {
        TaskMeters m = meters(taskName);
        m.failed().record(ranNanos(), TimeUnit.NANOSECONDS);
        m.retried().increment();
    }

    @Override
    public void taskRejected(long taskId, String taskName, String reason) {
        meters(taskName).rejected().increment();
    }

    private long ranNanos() {
        return System.nanoTime() - startedNanos.get()[0];
    }
}
