package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a handler may know about the attempt it runs, and what it may tell its foreman (progress, a snooze): given to a {@link ContextualTaskHandler}, a
 * {@link TaskInterceptor} and a {@link ForemanListener} (in each {@link TaskEvent} of an attempt that ran). An
 * interface, not a record, so that it can grow with what an attempt can do without breaking the code that uses it; a
 * test calling a handler directly builds one with {@code dev.dbmq.testing.TestTaskContext}.
 */
public interface TaskContext {

    /** The task's id, as {@link TaskQueue#enqueue} returned it; the same for every attempt. */
    long id();

    /** 1 for the first attempt, 2 for the first retry, … */
    int attempt();

    /** When this attempt was due (for a recurring task: its tick; for a task due at once: its enqueue). */
    Instant scheduledAt();

    /** When the task was enqueued (the first attempt's enqueue, for a retry). */
    Instant enqueuedAt();

    /**
     * What the producer's {@link EnqueueInterceptor}s stored with the task (e.g. a trace context), the same for every
     * attempt and after a requeue; empty when none did. Unmodifiable.
     */
    Map<String, String> metadata();

    /**
     * Reports how far this attempt has got, from 0 to 1, with a note for people (may be null; cut at 500
     * characters): {@link TaskQueue#running()} shows it, from any process, within about a second. Cheap to call
     * often: kept in memory, and the foreman writes the latest about once a second.
     *
     * @throws IllegalArgumentException when {@code fraction} is not from 0 to 1
     */
    void progress(double fraction, String note);

    /**
     * Whether this attempt was asked to stop: {@link TaskQueue#cancel} of the running task (seen by its foreman
     * within about a second; its worker is interrupted once, too), or another foreman took this one for gone and
     * settled the attempt (its outcome will be discarded). A long handler checks it between steps and returns early.
     */
    boolean isCancelled();

    /**
     * Runs the task again after {@code delay}, once this handler returns normally, as the same attempt: a snooze uses
     * up no attempt (for "not yet": a rate limit, a resource not ready). Ignored when the handler throws. The last
     * call wins.
     *
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    void snooze(Duration delay);
}
