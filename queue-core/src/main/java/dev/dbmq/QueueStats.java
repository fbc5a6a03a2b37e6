package dev.dbmq;

import java.time.Duration;
import java.util.Map;

/**
 * What an operator wants to know about a queue, read from the database (so any process sees the same).
 *
 * @param pending       tasks waiting to be claimed
 * @param oldestTaskAge age of the oldest waiting task; {@link Duration#ZERO} when none waits. A growing age with a
 *                      non-zero {@code pending} means no foreman is taking work.
 * @param counts        per task name: tasks done and failed since the database was created (foremen flush these
 *                      about once a second)
 * @param failedKept    rows in the failed-tasks table
 * @param pendingByName {@code pending} per task name, by name. A name whose count grows while its done count does
 *                      not is one no running foreman handles (each foreman logs those at WARN, and lists them in
 *                      {@link Foreman#unhandledTasks()})
 */
public record QueueStats(long pending, Duration oldestTaskAge, Map<String, TaskCounts> counts, long failedKept,
                         Map<String, Long> pendingByName) {

    /** Done and failed totals of one task name; failed includes unknown names and undecodable args. */
    public record TaskCounts(long done, long failed) {
    }
}
