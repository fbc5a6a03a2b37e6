package dev.dbmq;

/**
 * Hooks into what a {@link Foreman} does, for metrics, error reporting and tests: one method per hook, each taking
 * one event value ({@link TaskEvent} for a task's attempts, {@link ForemanEvent} for the foreman itself), and each a
 * no-op unless overridden. Called on the thread named in each method; implementations must be thread-safe and quick.
 * Whatever a hook throws, {@code Error}s included, is logged and otherwise ignored: it never costs a task or a
 * foreman thread.
 *
 * <pre>{@code
 * Foreman.builder(queue).listener(new ForemanListener() {
 *     public void taskFailed(TaskEvent.Failed e) {
 *         errors.report(e.error(), "task " + e.taskId() + " (" + e.taskName() + "), attempt " + e.attempt());
 *     }
 * })
 * }</pre>
 *
 * <p>For each attempt of a task that runs: {@link #taskStarted}, then one of {@link #taskSucceeded},
 * {@link #taskRetrying}, {@link #taskFailed}, {@link #taskSnoozed}, {@link #taskCancelled} or {@link #taskFenced}, on
 * the same thread; or, when its foreman dies meanwhile, {@link #taskInterrupted} from the foreman that finds it. A manual foreman calls the task hooks on its
 * caller's thread, and never the foreman hooks.
 */
public interface ForemanListener {

    /** A handler is about to run, with its attempt's {@link TaskContext} (worker thread). */
    default void taskStarted(TaskEvent.Started event) {
    }

    /** A handler returned normally (worker thread). */
    default void taskSucceeded(TaskEvent.Succeeded event) {
    }

    /**
     * A handler threw and attempts remain: the next attempt is queued, due at {@link TaskEvent.Retrying#nextAttemptAt}
     * (worker thread). Either this or {@link #taskFailed} is called for an attempt that threw, never both.
     */
    default void taskRetrying(TaskEvent.Retrying event) {
    }

    /**
     * A handler threw and no attempt follows: it was the last one its {@link Retry} allows (the only one, without a
     * Retry), or the handler declared the failure permanent ({@link NonRetryableException};
     * {@link TaskEvent.Failed#retriesLeft} is then true). The task is kept in the failed-tasks table (worker thread).
     */
    default void taskFailed(TaskEvent.Failed event) {
    }

    /**
     * A claimed task could not be run (unknown name, undecodable args) and was kept as failed (the thread that
     * claimed: the foreman thread, or while the queue is busy a worker thread claiming for itself).
     */
    default void taskRejected(TaskEvent.Rejected event) {
    }

    /** A handler returned after {@link TaskContext#snooze}: the task runs again later (worker thread). */
    default void taskSnoozed(TaskEvent.Snoozed event) {
    }

    /** An attempt's outcome was discarded: another foreman had settled it (worker thread); see the event. */
    default void taskFenced(TaskEvent.Fenced event) {
    }

    /** A running task was cancelled and its handler stopped (worker thread). */
    default void taskCancelled(TaskEvent.Cancelled event) {
    }

    /**
     * A task whose foreman ended while it ran was found by this foreman: kept as failed, {@code interrupted}, or (at
     * least once, attempts left) written back as its next attempt; see the event.
     */
    default void taskInterrupted(TaskEvent.Interrupted event) {
    }

    /**
     * Claiming failed, e.g. the database is unavailable; the foreman retries with backoff (the foreman thread; or a
     * worker thread whose own claim failed, after which the foreman thread claims).
     */
    default void claimFailed(ForemanEvent.ClaimFailed event) {
    }

    /**
     * The foreman found the queue empty and is about to sleep until woken (foreman thread). A task that a producer of
     * the foreman's JVM hands straight to an idle foreman (SQLite) runs without waking it: no idle() follows.
     */
    default void idle(ForemanEvent.Idle event) {
    }

    /**
     * One of the foreman's threads ended without a stop request, so the foreman no longer claims (the loop thread)
     * or is no longer woken (the wakeup or LISTEN thread, leaving only the backstop poll). The foreman's
     * {@link Foreman#state()} is now {@link Foreman.State#FAILED}; it is logged at ERROR too. Called once, on the
     * dying thread. Stop the foreman and start a new one (or let the process exit and be restarted).
     */
    default void foremanFailed(ForemanEvent.ThreadDied event) {
    }
}
