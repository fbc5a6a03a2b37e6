package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ForemanListener} is told about one attempt of a task: one record per hook, each with what is known at
 * that point. A value rather than a list of parameters, so a field added later (a record component) changes no
 * listener's signature.
 *
 * <p>Not sealed: kinds may be added, so a {@code switch} over events needs a {@code default} branch. Records, so a
 * test of a listener can make one.
 */
public interface TaskEvent {

    /** The task's id, as {@link TaskQueue#enqueue} returned it; the same for every attempt. */
    long taskId();

    /** The task's name ({@link Task#name()}). */
    String taskName();

    /** 1 for the first attempt, 2 for the first retry, … */
    int attempt();

    /** The foreman that ran (or claimed) the task: {@link Foreman#id()}, or a manual foreman's own id. */
    String foremanId();

    /**
     * A handler is about to run (worker thread; a manual foreman's caller).
     *
     * @param context what the handler is given
     */
    record Started(long taskId, String taskName, int attempt, String foremanId, TaskContext context)
            implements TaskEvent {
        public Started {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * A handler returned after {@link TaskContext#snooze}: the task runs again at {@code runsAt} as the same attempt
     * (worker thread; a manual foreman's caller).
     *
     * @param took   how long the handler (with the interceptors around it) ran
     * @param runsAt when the task is due again
     */
    record Snoozed(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took,
                   Instant runsAt) implements TaskEvent {
        public Snoozed {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(runsAt, "runsAt");
        }
    }

    /**
     * A running task was cancelled ({@link TaskQueue#cancel}) and its handler stopped by throwing (an interrupt, most
     * often): the task is neither retried nor kept as failed (worker thread). A handler that returned normally though
     * cancelled succeeded, and is told as such.
     *
     * @param took how long the handler ran
     */
    record Cancelled(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took)
            implements TaskEvent {
        public Cancelled {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
        }
    }

    /**
     * An attempt ended after another foreman had settled its record (this foreman was taken for gone: its liveness
     * lock was free, its LISTEN session lost): its outcome is discarded, as the settlement decided the task's fate
     * (worker thread). Fencing: no settled task is completed twice.
     *
     * @param took how long the handler ran
     */
    record Fenced(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took)
            implements TaskEvent {
        public Fenced {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
        }
    }

    /**
     * A handler returned normally (worker thread; a manual foreman's caller).
     *
     * @param took how long the handler (with the interceptors around it) ran
     */
    record Succeeded(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took)
            implements TaskEvent {
        public Succeeded {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
        }
    }

    /**
     * A handler threw and attempts remain: attempt {@code attempt + 1} is queued, due at {@code nextAttemptAt}
     * (worker thread; a manual foreman's caller). Told once that row is written.
     *
     * @param took          how long the attempt ran before it threw
     * @param error         what it threw
     * @param nextAttemptAt when the next attempt is due, by the queue's clock
     */
    record Retrying(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took,
                    Throwable error, Instant nextAttemptAt) implements TaskEvent {
        public Retrying {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        }
    }

    /**
     * A handler threw and no attempt follows (worker thread; a manual foreman's caller). The task is kept in the
     * failed-tasks table, unless that write failed too (logged at ERROR as lost).
     *
     * @param took        how long the attempt ran before it threw
     * @param error       what it threw
     * @param retriesLeft whether the task's {@link Retry} allowed more attempts: true when the handler declared the
     *                    failure permanent ({@link NonRetryableException}, here or in {@code error}'s causes), or
     *                    when the next attempt could not be written (the task is then lost); false after the last
     *                    attempt
     */
    record Failed(long taskId, String taskName, int attempt, String foremanId, TaskContext context, Duration took,
                  Throwable error, boolean retriesLeft) implements TaskEvent {
        public Failed {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(took, "took");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * A claimed task could not run and was kept in the failed-tasks table: no handler for its name (after
     * {@code unhandledTimeout}), or args that can't be decoded. No handler ran, so there is no {@link TaskContext}.
     * Called by the thread that claimed or kept it: the foreman thread, a worker thread claiming for itself while the
     * queue is busy, or a manual foreman's caller.
     *
     * @param reason as stored with the failed task ({@link FailedTask#reason()}); it may quote parts of the args
     */
    record Rejected(long taskId, String taskName, int attempt, String foremanId, String reason) implements TaskEvent {
        public Rejected {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A task whose foreman ended while it ran (killed, its host lost) was found by this foreman: whether its handler
     * finished is unknown. At most once, or at least once with its attempts spent: kept in the failed-tasks table as
     * {@code interrupted}. At least once with attempts left: written back as its next attempt, due at once. Called
     * by the foreman that found it: on the thread that starts it, or on its watch thread.
     *
     * @param foremanId the foreman that found it
     * @param gone      the foreman that was running it
     * @param startedAt when that attempt was claimed
     * @param runsAgain it runs again as attempt {@code attempt + 1} ({@link Delivery#AT_LEAST_ONCE})
     * @param reason    as stored with the failed task, starting with {@code interrupted}; null when it runs again
     */
    record Interrupted(long taskId, String taskName, int attempt, String foremanId, String gone, Instant startedAt,
                       boolean runsAgain, String reason) implements TaskEvent {
        public Interrupted {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(gone, "gone");
            Objects.requireNonNull(startedAt, "startedAt");
            if (!runsAgain) {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }
}
