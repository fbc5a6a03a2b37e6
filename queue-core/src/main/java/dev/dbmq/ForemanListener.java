package dev.dbmq;

import java.time.Duration;
import java.time.Instant;

/**
 * Hooks into what a {@link Foreman} does, for metrics, error reporting and tests. Called on the thread named in each
 * method; implementations must be thread-safe and quick. Whatever a hook throws, {@code Error}s included, is logged
 * and otherwise ignored: it never costs a task or a foreman thread.
 */
public interface ForemanListener {

    /** A handler is about to run (worker thread). */
    default void taskStarted(long taskId, String taskName) {
    }

    /**
     * A handler is about to run, with its attempt's {@link TaskContext} (its due time, for how long it waited; its
     * attempt number). The foreman calls this one; it calls {@link #taskStarted(long, String)} unless overridden, so
     * implement either (worker thread).
     */
    default void taskStarted(long taskId, String taskName, TaskContext context) {
        taskStarted(taskId, taskName);
    }

    /** A handler returned normally (worker thread). */
    default void taskSucceeded(long taskId, String taskName, Duration took) {
    }

    /**
     * A handler threw on the task's last attempt (its only one, without a {@link Retry}); the task is kept in the
     * failed-tasks table (worker thread).
     */
    default void taskFailed(long taskId, String taskName, Throwable error) {
    }

    /**
     * A handler threw and attempts remain: attempt {@code attempt + 1} of the task is queued, due at
     * {@code nextAttemptAt} (worker thread). Either this or {@link #taskFailed} is called for an attempt that threw,
     * never both.
     *
     * @param attempt the attempt that threw, 1 for the first
     */
    default void taskRetrying(long taskId, String taskName, int attempt, Instant nextAttemptAt, Throwable error) {
    }

    /**
     * A claimed task could not be run (unknown name, undecodable args) and was kept (the thread that claimed: the
     * foreman thread, or while the queue is busy a worker thread claiming for itself).
     */
    default void taskRejected(long taskId, String taskName, String reason) {
    }

    /**
     * Claiming failed, e.g. the database is unavailable; the foreman retries with backoff (the foreman thread; or a
     * worker thread whose own claim failed, after which the foreman thread claims).
     */
    default void claimFailed(Throwable error) {
    }

    /**
     * The foreman found the queue empty and is about to sleep until woken (foreman thread). A task that a producer of
     * the foreman's JVM hands straight to an idle foreman (SQLite) runs without waking it: no idle() follows.
     */
    default void idle() {
    }

    /**
     * One of the foreman's threads ended without a stop request, so the foreman no longer claims (the loop thread)
     * or is no longer woken (the wakeup or LISTEN thread, leaving only the backstop poll). The foreman's
     * {@link Foreman#state()} is now {@link Foreman.State#FAILED}; it is logged at ERROR too. Called once, on the
     * dying thread. Stop the foreman and start a new one (or let the process exit and be restarted).
     *
     * @param thread the thread's name
     */
    default void foremanFailed(String thread, Throwable cause) {
    }
}
