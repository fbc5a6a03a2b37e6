package dev.dbmq;

import java.time.Instant;
import org.slf4j.event.Level;

/**
 * What follows an attempt whose handler threw, and what is logged and stored for it: a pure function of the task's
 * {@link Retry}, the attempt and what it threw ({@link #of}). {@link TaskRunner} writes, logs and reports what it says.
 *
 * <p>Policy, one log line per attempt:
 * <ul>
 * <li>{@link Outcome#RETRY}: attempts remain. Its next attempt is written; WARN, one line without a stack trace (the
 * task id, name, attempt n of max, what was thrown, when it runs again). A failure that is retried may pass: a stack
 * trace per attempt would bury the one that matters, the last, and a flaky dependency would fill the log.</li>
 * <li>{@link Outcome#LAST}: the last attempt the Retry allows. The task is kept as failed; ERROR with the stack
 * trace: this is the line an operator acts on.</li>
 * <li>{@link Outcome#PERMANENT}: a {@link NonRetryableException} in what was thrown or its causes. The task is kept as
 * failed at once, attempts left or not; WARN with its message, no stack trace unless it has a cause (then the whole
 * chain): the handler recognised the failure, so where it was thrown is no news, but what showed it is.</li>
 * </ul>
 * What it gives up: a retried attempt's stack trace is not logged. The listener gets every attempt's exception.
 *
 * @param permanent the NonRetryableException found in {@code error} (itself, or a cause), or null
 */
record FailedAttempt(Outcome outcome, int attempt, int maxAttempts, Throwable error, NonRetryableException permanent) {

    enum Outcome { RETRY, LAST, PERMANENT }

    static FailedAttempt of(Retry retry, int attempt, Throwable error) {
        NonRetryableException permanent = NonRetryableException.in(error);
        Outcome outcome = permanent != null ? Outcome.PERMANENT
                : retry.retriesAfter(attempt) ? Outcome.RETRY : Outcome.LAST;
        return new FailedAttempt(outcome, attempt, retry.maxAttempts(), error, permanent);
    }

    /** Whether the task's Retry allowed more attempts than this one. */
    boolean retriesLeft() {
        return attempt < maxAttempts;
    }

    /** The reason stored with the task kept as failed (not for {@link Outcome#RETRY}). */
    String reason() {
        if (outcome != Outcome.PERMANENT) {
            return "handler threw " + describe(error);
        }
        return "handler threw " + describe(permanent) + wrapper() + "; declared permanent, not retried (attempt "
                + attempt + " of " + maxAttempts + ")";
    }

    /** The exception that decided the outcome, one line, for the history: the permanent one when declared so. */
    String errorText() {
        return describe(outcome == Outcome.PERMANENT ? permanent : error);
    }

    Level level() {
        return outcome == Outcome.LAST ? Level.ERROR : Level.WARN;
    }

    /** What to log with its stack trace, or null for none. */
    Throwable stackTrace() {
        return switch (outcome) {
            case RETRY -> null;
            case LAST -> error;
            case PERMANENT -> causeOf(permanent) == null ? null : error;
        };
    }

    /**
     * The log line, its task id the plain number {@link TaskQueue#enqueue} returned and {@link TaskQueue#failedTasks}
     * shows.
     *
     * @param nextAttemptAt when the next attempt is due (for {@link Outcome#RETRY} only)
     */
    String logLine(long taskId, String taskName, Instant nextAttemptAt) {
        String task = "Task " + taskId + " (" + taskName + ")";
        return switch (outcome) {
            case RETRY -> task + " attempt " + attempt + " of " + maxAttempts + " failed: " + describe(error)
                    + "; attempt " + (attempt + 1) + " at " + nextAttemptAt;
            case LAST -> task + (maxAttempts == 1 ? " failed: " : " failed on its last attempt (" + attempt + " of "
                    + maxAttempts + "): ") + describe(error) + "; keeping it in dbmq_failed_task";
            case PERMANENT -> task + " attempt " + attempt + " of " + maxAttempts + " failed permanently: "
                    + describe(permanent) + wrapper() + "; not retried, keeping it in dbmq_failed_task";
        };
    }

    /** For a NonRetryableException that came wrapped: what it came in. */
    private String wrapper() {
        return permanent == error ? "" : " (in a " + error.getClass().getName() + ")";
    }

    private static Throwable causeOf(Throwable t) {
        try {
            return t.getCause();
        } catch (Throwable e) {
            return null; // user code: a getCause() override
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
