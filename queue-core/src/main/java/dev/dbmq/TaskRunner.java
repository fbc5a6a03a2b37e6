package dev.dbmq;

import dev.dbmq.internal.Durations;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task on the calling thread and records how it went: counts, listener, and for a handler that
 * threw, one log line ({@link FailedAttempt} says at which level, and whether with the stack trace) and, in one
 * transaction, either its next attempt (attempts remain, see {@link Retry}) or the task kept in the failed-tasks table
 * (the last attempt, or a {@link NonRetryableException}). That write is retried while the database refuses it
 * ({@link OutcomeWrites}); the listener hears of the attempt once, after it. Never throws.
 *
 * <p>A successful attempt writes nothing itself: its count goes to {@link TaskCounters}, kept in memory until a
 * flush commits, so a busy database delays counts, never drops them (except at a stop past its deadline). Its record
 * in {@code dbmq_running} goes with the foreman's next commit ({@link RunningRecords}); a failed attempt's goes in
 * the transaction that writes its outcome, so a task is never both retried or kept and still recorded as running.
 */
final class TaskRunner implements AttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final String foremanId;
    private final OutcomeWrites outcomes;
    private final InstantSource clock;
    private final TaskCounters counters;
    private final GuardedListener listener;
    private final TaskChain interceptors;
    /** Null for a manual foreman, which keeps no records. */
    private final RunningRecords records;

    TaskRunner(String foremanId, OutcomeWrites outcomes, InstantSource clock, TaskCounters counters,
               GuardedListener listener, TaskChain interceptors, RunningRecords records) {
        this.records = records;
        this.foremanId = foremanId;
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
            log.debug("Starting {} {} with {}", task.id(), task.name(), task.row().args());
        }
        AttemptControl control = new AttemptControl(Thread.currentThread());
        TaskContext context = task.context(control);
        if (task.slot() != ClaimedTask.NO_SLOT) {
            records.started(task, control);
        }
        listener.taskStarted(new TaskEvent.Started(task.id(), task.name(), context.attempt(), foremanId, context));
        long startedAt = clock.millis();
        long t0 = System.nanoTime();
        ContextualTaskHandler handler = task.registration().handler();
        Throwable error;
        try {
            error = interceptors.run(task.name(), context, () -> handler.handle(task.args(), context));
        } finally {
            control.ended();
            if (task.slot() != ClaimedTask.NO_SLOT) {
                records.ended(task);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // A limited type's place is free once its attempt ended: the foreman looks again, whatever the outcome.
        boolean limited = task.slot() != ClaimedTask.NO_SLOT && (task.registration().task().limit() != Task.NO_LIMIT
                || task.registration().task().limitPerKey() != Task.NO_LIMIT);
        if (error != null && control.stopped() == AttemptControl.Stop.CANCELLED) {
            return cancelled(task, context, startedAt, took, error) || limited;
        }
        if (error != null) {
            return fail(task, context, startedAt, took, error) || limited;
        }
        Duration snooze = control.snoozed();
        if (snooze != null) {
            return snoozed(task, context, startedAt, took, snooze) || limited;
        }
        if (task.slot() != ClaimedTask.NO_SLOT) {
            // Its record stays, as an ended attempt's, until a claim writes over it or a flush clears it; this
            // foreman's claims count it toward no limit (RunningRecords.endedSlots), others' until then
            records.succeeded(task.slot()); // before the count: a pending count is what makes the loop flush
        }
        ended(task, FinishedAttempt.Outcome.SUCCEEDED, startedAt, took, null);
        counters.done(task.name());
        if (debug) {
            log.debug("Done {} {} in {} ms", task.id(), task.name(), took.toNanos() / 1_000_000.0);
        }
        listener.taskSucceeded(new TaskEvent.Succeeded(task.id(), task.name(), context.attempt(), foremanId, context,
                took));
        return limited;
    }

    /**
     * Cancelled while it ran ({@code TaskQueue.cancel}), and its handler then threw (an interrupt, most often): the
     * task ends here, neither retried nor kept as failed; only its record goes.
     */
    private boolean cancelled(ClaimedTask task, TaskContext context, long startedAt, Duration took,
                              Throwable error) {
        boolean[] fenced = new boolean[1];
        Throwable lost = writeOutcome("the end of cancelled task " + task.id() + " (" + task.name() + ")", false, task,
                fenced, dsl -> { });
        if (fenced[0]) {
            fenced(task, context, took);
            return false;
        }
        ended(task, FinishedAttempt.Outcome.CANCELLED, startedAt, took, FailedAttempt.describe(error));
        log.info("Task {} ({}) attempt {} was cancelled while it ran, and stopped after {} ({})", task.id(),
                task.name(), task.row().attempt(), Durations.format(took), error.getClass().getSimpleName());
        if (lost != null) {
            log.warn("Task {} ({}): its record could not be removed ({}); {}", task.id(), task.name(),
                    lost.toString(), lostOrKept());
        }
        listener.taskCancelled(new TaskEvent.Cancelled(task.id(), task.name(), context.attempt(), foremanId, context,
                took));
        return false;
    }

    /**
     * The handler returned after {@link TaskContext#snooze}: the task is written back as the same attempt, due after
     * the delay, with its record's end, in one transaction.
     */
    private boolean snoozed(ClaimedTask task, TaskContext context, long startedAt, Duration took, Duration delay) {
        long dueAt = clock.millis() + delay.toMillis();
        boolean[] fenced = new boolean[1];
        Throwable lost = writeOutcome("the snoozed task " + task.id() + " (" + task.name() + ")", false, task, fenced,
                dsl -> TaskStore.insertSnoozed(dsl, task.row(), dueAt));
        if (fenced[0]) {
            fenced(task, context, took);
            return false;
        }
        if (lost != null) {
            log.error("Task {} ({}) snoozed and could not be written back: {}; {}", task.id(), task.name(),
                    lost.toString(), lostOrKept());
            return false;
        }
        ended(task, FinishedAttempt.Outcome.SNOOZED, startedAt, took, null);
        log.debug("Task {} ({}) snoozed for {}", task.id(), task.name(), delay);
        listener.taskSnoozed(new TaskEvent.Snoozed(task.id(), task.name(), context.attempt(), foremanId, context,
                took, Instant.ofEpochMilli(dueAt)));
        return true;
    }

    private boolean fail(ClaimedTask task, TaskContext context, long startedAt, Duration took, Throwable error) {
        boolean interrupted = error instanceof InterruptedException || Thread.interrupted();
        int attempt = task.row().attempt();
        FailedAttempt failed = FailedAttempt.of(task.registration().task().retry(), attempt, error);
        long now = clock.millis();
        long id = task.id();
        String what = id + " (" + task.name() + ")";
        boolean retried = false;
        if (failed.outcome() == FailedAttempt.Outcome.RETRY) {
            long nextAt = now + task.registration().task().retry().delayMillis(attempt);
            Instant nextAttemptAt = Instant.ofEpochMilli(nextAt);
            logged(failed, id, task.name(), nextAttemptAt);
            boolean[] fenced = new boolean[1];
            Throwable lost = writeOutcome("the next attempt of task " + what, interrupted, task, fenced,
                    dsl -> TaskStore.insertRetry(dsl, task.row(), nextAt));
            if (fenced[0]) {
                fenced(task, context, took);
            } else if (lost == null) {
                retried = true;
                ended(task, FinishedAttempt.Outcome.RETRIED, startedAt, took, failed.errorText());
                listener.taskRetrying(new TaskEvent.Retrying(id, task.name(), attempt, foremanId, context, took, error,
                        nextAttemptAt));
            } else {
                // Not kept as failed either: the attempt's row was deleted at the claim, and the write that would
                // have kept it is the one that failed.
                ended(task, FinishedAttempt.Outcome.FAILED, startedAt, took, failed.errorText());
                counters.failed(task.name());
                log.error("Task {} ({}) attempt {} failed and its next attempt could not be written: {}; {}",
                        id, task.name(), attempt, lost.toString(), lostOrKept());
                listener.taskFailed(new TaskEvent.Failed(id, task.name(), attempt, foremanId, context, took, error,
                        true));
            }
        } else {
            logged(failed, id, task.name(), null);
            String reason = failed.reason();
            boolean[] fenced = new boolean[1];
            Throwable lost = writeOutcome("the record of failed task " + what, interrupted, task, fenced,
                    dsl -> TaskStore.keepFailed(dsl, task.row(), now, reason));
            if (fenced[0]) {
                fenced(task, context, took);
            } else {
                ended(task, FinishedAttempt.Outcome.FAILED, startedAt, took, failed.errorText());
                counters.failed(task.name());
                if (lost != null) {
                    log.error("Task {} ({}) failed and could not be kept in dbmq_failed_task: {}; {}",
                            id, task.name(), lost.toString(), lostOrKept());
                }
                listener.taskFailed(new TaskEvent.Failed(id, task.name(), attempt, foremanId, context, took, error,
                        failed.retriesLeft()));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // keep the stop request visible to the pool
        }
        return retried;
    }

    /** The attempt's history entry, when the queue keeps a history. */
    private void ended(ClaimedTask task, FinishedAttempt.Outcome outcome, long startedAt, Duration took,
                       String error) {
        counters.ended(task.row(), outcome, startedAt, startedAt + took.toMillis(), foremanId, error);
    }

    /** What becomes of a task whose outcome could not be written. */
    private String lostOrKept() {
        return records == null ? "LOST"
                : "its record stays in dbmq_running, kept as interrupted once this foreman is gone";
    }

    /**
     * Writes a failed attempt's outcome, retried while the database refuses ({@link OutcomeWrites}), with its record's
     * end in the same transaction. Fencing: when another foreman settled the record meanwhile (this one was thought
     * gone, its liveness lock free), that settlement decided the task's fate, so the outcome is not written and
     * {@code fenced[0]} is set. Returns the failure that ended the tries, or null.
     */
    private Throwable writeOutcome(String what, boolean interrupted, ClaimedTask task, boolean[] fenced,
                                   java.util.function.Consumer<org.jooq.DSLContext> outcome) {
        Throwable lost = outcomes.write(what, interrupted, dsl -> {
            fenced[0] = task.slot() != ClaimedTask.NO_SLOT
                    && !RunningStore.end(dsl, foremanId, task.slot(), task.id(), task.row().attempt());
            if (!fenced[0]) {
                outcome.accept(dsl);
            }
        });
        if (lost == null && task.slot() != ClaimedTask.NO_SLOT) {
            records.deleted(task.slot());
        }
        // Written or not, the record is gone (or stays for the next foreman); a lost write keeps its slot leased.
        return lost;
    }

    private void fenced(ClaimedTask task, TaskContext context, Duration took) {
        listener.taskFenced(new TaskEvent.Fenced(task.id(), task.name(), task.row().attempt(), foremanId, context,
                took));
        log.warn("Task {} ({}) attempt {} ended after another foreman had settled it (kept it as interrupted, or wrote"
                + " its next attempt: this foreman was thought gone, its liveness lock free); this attempt's result is"
                + " discarded", task.id(), task.name(), task.row().attempt());
    }

    /** The attempt's one line; printing a user's exception runs user code, so nothing of it may escape. */
    private static void logged(FailedAttempt failed, long taskId, String taskName, Instant nextAttemptAt) {
        try {
            log.atLevel(failed.level()).setCause(failed.stackTrace())
                    .log(failed.logLine(taskId, taskName, nextAttemptAt));
        } catch (Throwable t) {
            log.error("Task {} ({}) attempt {} failed, and logging its exception threw {}", taskId, taskName,
                    failed.attempt(), t.getClass().getName());
        }
    }
}
