package dev.dbmq;

import java.time.Instant;

/**
 * A task kept in the failed-tasks table: it had an unknown name or undecodable args, or its handler threw.
 *
 * @param id        the task's id when it was enqueued
 * @param taskName  the stored task name
 * @param args      the stored args, JSON as written (may be sensitive: show with care)
 * @param createdAt when it was enqueued
 * @param failedAt  when it was kept here
 * @param reason    why it did not run (for a handler that threw: the last attempt's exception)
 * @param attempts  attempts made: 1 without retries; the task's {@link Retry} maximum when its last retry threw
 */
public record FailedTask(long id, String taskName, String args, Instant createdAt, Instant failedAt, String reason,
                         int attempts) {
}
