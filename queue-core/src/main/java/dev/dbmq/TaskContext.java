package dev.dbmq;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler may know about the attempt it runs: given to a {@link ContextualTaskHandler}, a
 * {@link TaskInterceptor} and a {@link ForemanListener} (in each {@link TaskEvent} of an attempt that ran). A record,
 * so a test calling a handler directly can make one.
 *
 * @param id          the task's id, as {@link TaskQueue#enqueue} returned it; the same for every attempt
 * @param attempt     1 for the first attempt, 2 for the first retry, …
 * @param scheduledAt when this attempt was due (for a recurring task: its tick)
 * @param enqueuedAt  when the task was enqueued (the first attempt's enqueue, for a retry)
 * @param metadata    what the producer's {@link EnqueueInterceptor}s stored with the task (e.g. a trace context),
 *                    the same for every attempt and after a requeue; empty when none did. Unmodifiable
 */
public record TaskContext(long id, int attempt, Instant scheduledAt, Instant enqueuedAt,
                          Map<String, String> metadata) {

    public TaskContext {
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    /** A context without metadata. */
    public TaskContext(long id, int attempt, Instant scheduledAt, Instant enqueuedAt) {
        this(id, attempt, scheduledAt, enqueuedAt, Map.of());
    }
}
