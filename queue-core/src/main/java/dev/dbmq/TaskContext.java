package dev.dbmq;

import java.time.Instant;

/**
 * What a handler may know about the attempt it runs: given to a {@link ContextualTaskHandler}. A record, so a test
 * calling a handler directly can make one.
 *
 * @param id          the task's id, as {@link TaskQueue#enqueue} returned it; the same for every attempt
 * @param attempt     1 for the first attempt, 2 for the first retry, …
 * @param scheduledAt when this attempt was due (for a recurring task: its tick)
 * @param enqueuedAt  when the task was enqueued (the first attempt's enqueue, for a retry)
 */
public record TaskContext(long id, int attempt, Instant scheduledAt, Instant enqueuedAt) {
}
