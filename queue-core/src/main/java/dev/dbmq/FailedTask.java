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
 * @param reason    why it did not run
 */
public record FailedTask(long id, String taskName, String args, Instant createdAt, Instant failedAt, String reason) {
}
