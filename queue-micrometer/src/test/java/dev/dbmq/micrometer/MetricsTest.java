package dev.dbmq.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Retry;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.ManualForeman;
import dev.dbmq.testing.SettableClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters' values, on a SQLite queue with a test clock and a foreman run on the test's thread. */
@Tag("smoke") // one of the few CI runs again on the newest JDK
class MetricsTest {

    record Echo(int n) {
    }

    record Text(String text) {
    }

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);
    static final Task<Echo> FLAKY = Task.of("flaky", Echo.class).retry(Retry.fixed(Duration.ofSeconds(1), 2));
    static final Task<Text> ECHO_WITH_OTHER_ARGS = Task.of("echo", Text.class); // "echo" args it can't decode

    @TempDir
    Path dir;

    final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TaskQueue queue;

    @BeforeEach
    void open() {
        queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build());
    }

    @AfterEach
    void close() {
        queue.close();
    }

    Timer timer(String name, String... tags) {
        return registry.get(name).tags(tags).timer();
    }

    double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void the_foremans_meters_count_waits_runs_retries_and_failures_by_task() throws Exception {
        try (ManualForeman foreman = Foreman.builder(queue).listener(new ForemanMetrics(registry, clock))
                .handle(ECHO, e -> { })
                .handle(FLAKY, e -> {
                    throw new IllegalStateException("flaky");
                }).startManual()) {
            queue.enqueue(ECHO, new Echo(1));
            clock.advance(Duration.ofSeconds(5));
            assertEquals(1, foreman.runPending());
            assertEquals(1, timer("dbmq.task.wait", "task", "echo").count());
            assertEquals(5000.0, timer("dbmq.task.wait", "task", "echo").totalTime(TimeUnit.MILLISECONDS),
                    "from its due time (the enqueue) to its start, by the clock");
            assertEquals(1, timer("dbmq.task.run", "task", "echo", "outcome", "success").count());

            queue.enqueue(FLAKY, new Echo(2));
            assertEquals(1, foreman.runPending());
            assertEquals(1.0, counter("dbmq.tasks.retried", "task", "flaky"));
            assertEquals(1, timer("dbmq.task.run", "task", "flaky", "outcome", "failure").count());
            assertEquals(0.0, counter("dbmq.tasks.failed", "task", "flaky", "reason", "handler"));
            clock.advance(Duration.ofSeconds(3)); // past the 1 s (±10%) backoff: the second attempt waited ~2 s
            assertEquals(1, foreman.runPending());
            assertEquals(1.0, counter("dbmq.tasks.failed", "task", "flaky", "reason", "handler"), "its last attempt");
            assertEquals(1.0, counter("dbmq.tasks.retried", "task", "flaky"));
            assertEquals(2, timer("dbmq.task.run", "task", "flaky", "outcome", "failure").count());
            double secondWait = timer("dbmq.task.wait", "task", "flaky").max(TimeUnit.MILLISECONDS);
            assertTrue(secondWait >= 1900 && secondWait <= 2100, "the retry waited from its own due time: "
                    + secondWait);

            queue.enqueue(ECHO_WITH_OTHER_ARGS, new Text("not an Echo"));
            foreman.runPending();
            assertEquals(1.0, counter("dbmq.tasks.failed", "task", "echo", "reason", "rejected"));
            assertEquals(1, queue.failedTasks(10).stream().filter(f -> f.taskName().equals("echo")).count());
        }
    }

    @Test
    void the_queues_gauges_show_pending_by_task_and_the_oldest_due_tasks_age() {
        new QueueMetrics(queue, Duration.ZERO).bindTo(registry);
        queue.enqueue(ECHO, new Echo(1));
        queue.enqueue(ECHO, new Echo(2));
        queue.enqueue(FLAKY, new Echo(3), dev.dbmq.Enqueue.after(Duration.ofHours(1)));
        clock.advance(Duration.ofSeconds(30));
        // a name first seen by a read after binding gets its gauge at that read
        registry.get("dbmq.tasks.oldest.age").timeGauge().value();
        assertEquals(2.0, registry.get("dbmq.tasks.pending").tag("task", "echo").gauge().value());
        assertEquals(1.0, registry.get("dbmq.tasks.pending").tag("task", "flaky").gauge().value(),
                "scheduled tasks are pending too");
        assertEquals(30.0, registry.get("dbmq.tasks.oldest.age").timeGauge().value(TimeUnit.SECONDS),
                "the oldest due task's wait; the scheduled one is not due");
        queue.close();
        assertTrue(Double.isNaN(registry.get("dbmq.tasks.oldest.age").timeGauge().value()),
                "NaN while the stats can't be read");
    }

    @Test
    void one_stats_read_serves_the_gauges_for_max_staleness() {
        new QueueMetrics(queue, Duration.ofHours(1)).bindTo(registry);
        queue.enqueue(ECHO, new Echo(1));
        assertTrue(registry.find("dbmq.tasks.pending").tag("task", "echo").gauge() == null,
                "the read at binding saw no echo task, and serves for an hour");
        queue.close();
        assertEquals(0.0, registry.get("dbmq.tasks.oldest.age").timeGauge().value(),
                "the cached read, not the closed queue");
    }

    /** What the foreman reports about tasks whose foreman died, late outcomes, cancels and snoozes, counted. */
    @Test
    void interrupted_rerun_fenced_cancelled_and_snoozed_tasks_are_counted_by_task() {
        ForemanMetrics metrics = new ForemanMetrics(registry, clock);
        dev.dbmq.TaskContext ctx = dev.dbmq.testing.TestTaskContext.first();
        Instant started = Instant.parse("2026-12-07T10:00:00Z");
        metrics.taskInterrupted(new dev.dbmq.TaskEvent.Interrupted(1, "mail", 1, "f2", "f1", started, false,
                "interrupted: foreman f1 ended"));
        metrics.taskInterrupted(new dev.dbmq.TaskEvent.Interrupted(2, "charge", 1, "f2", "f1", started, true, null));
        metrics.taskFenced(new dev.dbmq.TaskEvent.Fenced(3, "mail", 1, "f1", ctx, Duration.ofMillis(5)));
        metrics.taskCancelled(new dev.dbmq.TaskEvent.Cancelled(4, "mail", 1, "f1", ctx, Duration.ofMillis(5)));
        metrics.taskSnoozed(new dev.dbmq.TaskEvent.Snoozed(5, "mail", 1, "f1", ctx, Duration.ofMillis(5),
                started));
        assertEquals(1.0, counter("dbmq.tasks.failed", "task", "mail", "reason", "interrupted"));
        assertEquals(1.0, counter("dbmq.tasks.rerun", "task", "charge"));
        assertEquals(0.0, counter("dbmq.tasks.failed", "task", "charge", "reason", "interrupted"));
        assertEquals(1.0, counter("dbmq.tasks.fenced", "task", "mail"));
        assertEquals(1.0, counter("dbmq.tasks.cancelled", "task", "mail"));
        assertEquals(1.0, counter("dbmq.tasks.snoozed", "task", "mail"));
    }
}
