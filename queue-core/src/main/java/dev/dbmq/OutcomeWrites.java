package dev.dbmq;

import dev.dbmq.internal.Database;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes how a failed attempt ended (its next attempt, or the task kept as failed), and keeps trying while the
 * database refuses: the claim deleted the attempt's row, so this write is all that is left of the task. A busy
 * database (another process's long write lock, a PostgreSQL lock or restart) delays it instead of losing the task.
 *
 * <p>Policy: the worker keeps its slot while it retries, so a refusing database blocks only that worker. It backs off
 * from 50 ms, doubling to 2 s ({@link #nextDelay}), and gives up only at its deadline: a threaded foreman's stop
 * deadline (the end of {@code gracefulTimeout}; {@link #stopBy}), or, for a manual foreman, a fixed time after the
 * first failure; and at once when its thread is interrupted (close() after the graceful timeout). Once a deadline is
 * known each try waits for the database only until then. What it gives up: a worker can sit in this loop for as long
 * as the database refuses, and a write that commits but reports a failure (a connection lost during the commit) is
 * tried again, so the write itself must be idempotent; a retry row committed that way, then claimed and run before
 * the next try, would be written again (it takes a lost commit reply and a retry delay shorter than the backoff).
 *
 * <p>Threads: {@link #write} runs on the worker (or a manual foreman's caller); {@link #stopBy} on close().
 */
final class OutcomeWrites {

    private static final Logger log = LoggerFactory.getLogger(OutcomeWrites.class);

    static final long FIRST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** A try begun at or after the deadline still gets this long (an interrupted handler's one write, say). */
    static final long LAST_TRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** {@link #nextDelay}: stop trying. */
    static final long GIVE_UP = -1;

    private final Database database;
    /** Manual foreman: how long after the first failure to keep trying; 0: until the stop deadline. */
    private final long boundNanos;
    // Written by close() (stopBy), read by workers.
    private volatile boolean stopping;
    private volatile long stopDeadline;
    /** Tries that failed, for tests: written by workers. */
    private final AtomicLong failedTries = new AtomicLong();

    private OutcomeWrites(Database database, long boundNanos) {
        this.database = database;
        this.boundNanos = boundNanos;
    }

    /** A threaded foreman's: retries until {@link #stopBy} has been called and its deadline passed. */
    static OutcomeWrites untilStop(Database database) {
        return new OutcomeWrites(database, 0);
    }

    /**
     * A manual foreman's, which has no stop to wait for while it runs (close() waits for runPending()), and whose
     * caller (a test, a batch job) must get its thread back: retries for {@code bound} after the first failure.
     */
    static OutcomeWrites forAtMost(Database database, Duration bound) {
        return new OutcomeWrites(database, Math.max(1, bound.toNanos()));
    }

    /** close(): writes still retrying give up at {@code deadlineNanos} ({@link System#nanoTime()}). */
    void stopBy(long deadlineNanos) {
        stopDeadline = deadlineNanos;
        stopping = true;
    }

    long failedTries() {
        return failedTries.get();
    }

    /**
     * Runs {@code work} in a transaction until it commits or the deadline passes (see the class comment). Never
     * throws. An interrupt that ended the retries is kept set on return.
     *
     * @param what        for the log: whose write, e.g. "the next attempt of task 1a2b (mail)"
     * @param interrupted the thread was interrupted before this write (its flag cleared): one try only
     * @return null once written, else the last try's failure
     */
    Throwable write(String what, boolean interrupted, Consumer<DSLContext> work) {
        long delay = 0;
        long firstFailure = 0;
        for (int failed = 0; ; failed++) {
            Throwable failure = tryOnce(failed, firstFailure, work);
            if (failure == null) {
                if (failed > 0) {
                    log.info("{} is written, at try {}", capitalized(what), failed + 1);
                }
                return null;
            }
            failedTries.incrementAndGet();
            long now = System.nanoTime();
            if (failed == 0) {
                firstFailure = now;
            }
            interrupted |= Thread.interrupted();
            if (failure instanceof IllegalStateException) {
                return giveUp(failure, interrupted); // the queue is closed: no later try can succeed
            }
            delay = nextDelay(delay, now, hasDeadline(failed + 1), deadline(firstFailure), interrupted);
            if (delay == GIVE_UP) {
                return giveUp(failure, interrupted);
            }
            if (failed == 0) {
                log.warn("{} could not be written ({}); trying again {}, its thread waiting meanwhile",
                        capitalized(what), failure.toString(), boundNanos == 0
                                ? "until it is, or until the foreman's stop deadline"
                                : "for up to " + Duration.ofNanos(boundNanos).toSeconds() + " s");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(delay);
            } catch (InterruptedException e) {
                return giveUp(failure, true);
            }
        }
    }

    /** One try: waits for the database no longer than the deadline once there is one. Returns its failure. */
    private Throwable tryOnce(int failedBefore, long firstFailure, Consumer<DSLContext> work) {
        try {
            if (hasDeadline(failedBefore)) {
                long by = Math.max(deadline(firstFailure), System.nanoTime() + LAST_TRY_MIN_NANOS);
                database.transactionBy(by, dsl -> {
                    work.accept(dsl);
                    return null;
                });
            } else {
                database.transaction(dsl -> {
                    work.accept(dsl);
                    return null;
                });
            }
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static Throwable giveUp(Throwable failure, boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt(); // the stop that ended the retries stays visible to the pool
        }
        return failure;
    }

    /** Whether there is a time to give up at: a stop was asked for, or (manual) a try has failed. */
    private boolean hasDeadline(int failedTries) {
        return boundNanos > 0 ? failedTries > 0 : stopping;
    }

    /** The time to give up at, when {@link #hasDeadline}: the stop's, or the manual bound after the first failure. */
    private long deadline(long firstFailure) {
        return boundNanos > 0 ? firstFailure + boundNanos : stopDeadline;
    }

    /**
     * After a failed try: how long to wait before the next, or {@link #GIVE_UP}. 50 ms, doubling to 2 s; never past
     * the deadline, so the last try comes at it; none once the deadline has come, or the thread was interrupted.
     *
     * @param previousNanos the wait before the failed try (0: it was the first)
     */
    static long nextDelay(long previousNanos, long nowNanos, boolean hasDeadline, long deadlineNanos,
                          boolean interrupted) {
        if (interrupted || (hasDeadline && nowNanos - deadlineNanos >= 0)) {
            return GIVE_UP;
        }
        long delay = previousNanos == 0 ? FIRST_DELAY_NANOS : Math.min(previousNanos * 2, MAX_DELAY_NANOS);
        return hasDeadline ? Math.min(delay, deadlineNanos - nowNanos) : delay;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
