package dev.dbmq;

import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task on the calling thread and records how it went: counts, listener, and for a handler that
 * threw, a log line with the stack trace and the task kept in the failed-tasks table. Never throws.
 */
final class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final Database database;
    private final InstantSource clock;
    private final TaskCounters counters;
    private final GuardedListener listener;

    TaskRunner(Database database, InstantSource clock, TaskCounters counters, GuardedListener listener) {
        this.database = database;
        this.clock = clock;
        this.counters = counters;
        this.listener = listener;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void run(Claimer.ClaimedTask task) {
        boolean debug = log.isDebugEnabled();
        if (debug) {
            log.debug("Starting {} {} with {}", ShortId.of(task.id()), task.name(), task.row().args());
        }
        listener.taskStarted(task.id(), task.name());
        long t0 = System.nanoTime();
        try {
            ((TaskHandler) task.registration().handler()).handle(task.args());
        } catch (Throwable error) {
            fail(task, error);
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        counters.done(task.name());
        if (debug) {
            log.debug("Done {} {} in {} ms", ShortId.of(task.id()), task.name(), took.toNanos() / 1_000_000.0);
        }
        listener.taskSucceeded(task.id(), task.name(), took);
    }

    private void fail(Claimer.ClaimedTask task, Throwable error) {
        boolean interrupted = error instanceof InterruptedException || Thread.interrupted();
        log.warn("Task {} ({}) failed", ShortId.of(task.id()), task.name(), error);
        counters.failed(task.name());
        String reason = "handler threw " + describe(error);
        try {
            database.transaction(dsl -> {
                TaskStore.keepFailed(dsl, task.row(), clock.millis(), reason);
                return null;
            });
        } catch (Throwable e) {
            log.error("Task {} ({}) failed and could not be kept in dbmq_failed_task: {}", ShortId.of(task.id()),
                    task.name(), e.toString());
        }
        listener.taskFailed(task.id(), task.name(), error);
        if (interrupted) {
            Thread.currentThread().interrupt(); // keep the stop request visible to the pool
        }
    }

    /** A user's Throwable as text; its toString() is user code too. */
    static String describe(Throwable error) {
        try {
            return String.valueOf(error);
        } catch (Throwable t) {
            return error.getClass().getName() + " (its toString() threw " + t.getClass().getName() + ")";
        }
    }
}
