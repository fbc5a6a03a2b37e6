package dev.dbmq;

import java.time.Instant;
import java.util.Map;

/**
 * What a handler may know about the attempt it runs: given to a {@link ContextualTaskHandler}, a
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
}
