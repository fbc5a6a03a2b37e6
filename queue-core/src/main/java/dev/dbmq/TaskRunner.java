package dev.dbmq;

import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task on the calling thread and records how it went: counts, listener, and for a handler that
 * threw, a log line with the stack trace and, in one transaction, either its next attempt (attempts remain, see
 * {@link Retry}) or the task kept in the failed-tasks table. That write is retried while the database refuses it
 * ({@link OutcomeWrites}); the listener hears of the attempt once, after it. Never throws.
 *
 * <p>A successful attempt writes nothing itself: its count goes to {@link TaskCounters}, kept in memory until a
 * flush commits, so a busy database delays counts, never drops them (except at a stop past its deadline).
 */
final class TaskRunner implements AttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final OutcomeWrites outcomes;
    private final InstantSource clock;
    private final TaskCounters counters;
    private final GuardedListener listener;
    private final TaskChain interceptors;

    TaskRunner(OutcomeWrites outcomes, InstantSource clock, TaskCounters counters, GuardedListener listener,
               TaskChain interceptors) {
        this.outcomes = outcomes;
        this.clock = clock;
        this.counters = counters;
        this.listener = listener;
        this.interceptors = interceptors;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean run(ClaimedTask task) {
        boolean debug = log.isDebugEnabled();
        if (debug) {
            log.debug("Starting {} {} with {}", ShortId.of(task.id()), task.name(), task.row().args());
        }
        TaskContext context = task.context();
        listener.taskStarted(task.id(), task.name(), context);
        long t0 = System.nanoTime();
        ContextualTaskHandler handler = task.registration().handler();
        Throwable error = interceptors.run(task.name(), context, () -> handler.handle(task.args(), context));
        if (error != null) {
            return fail(task, error);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        counters.done(task.name());
        if (debug) {
            log.debug("Done {} {} in {} ms", ShortId.of(task.id()), task.name(), took.toNanos() / 1_000_000.0);
        }
        listener.taskSucceeded(task.id(), task.name(), took);
        return false;
    }

    private boolean fail(ClaimedTask task, Throwable error) {
        boolean interrupted = error instanceof InterruptedException || Thread.interrupted();
        Retry retry = task.registration().task().retry();
        int attempt = task.row().attempt();
        long now = clock.millis();
        String id = ShortId.of(task.id());
        boolean retried = false;
        if (retry.retriesAfter(attempt)) {
            long nextAt = now + retry.delayMillis(attempt);
            log.warn("Task {} ({}) attempt {} of {} failed; attempt {} at {}", id, task.name(),
                    attempt, retry.maxAttempts(), attempt + 1, Instant.ofEpochMilli(nextAt), error);
            Throwable lost = outcomes.write("the next attempt of task " + id + " (" + task.name() + ")", interrupted,
                    dsl -> TaskStore.insertRetry(dsl, task.row(), nextAt));
            if (lost == null) {
                retried = true;
            } else {
                // Not kept as failed either: the attempt's row was deleted at the claim, and the write that would
                // have kept it is the one that failed.
                counters.failed(task.name());
                log.error("Task {} ({}) attempt {} failed and its next attempt could not be written: {}; LOST",
                        id, task.name(), attempt, lost.toString());
            }
            if (retried) {
                listener.taskRetrying(task.id(), task.name(), attempt, Instant.ofEpochMilli(nextAt), error);
            } else {
                listener.taskFailed(task.id(), task.name(), error);
            }
        } else {
            log.warn("Task {} ({}) failed{}", id, task.name(),
                    attempt == 1 ? "" : " on its last attempt (" + attempt + ")", error);
            counters.failed(task.name());
            String reason = "handler threw " + describe(error);
            Throwable lost = outcomes.write("the record of failed task " + id + " (" + task.name() + ")", interrupted,
                    dsl -> TaskStore.keepFailed(dsl, task.row(), now, reason));
            if (lost != null) {
                log.error("Task {} ({}) failed and could not be kept in dbmq_failed_task: {}; LOST",
                        id, task.name(), lost.toString());
            }
            listener.taskFailed(task.id(), task.name(), error);
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // keep the stop request visible to the pool
        }
        return retried;
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
