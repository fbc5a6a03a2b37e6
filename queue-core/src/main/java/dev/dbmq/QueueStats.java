package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What an operator wants to know about a queue, read from the database (so any process sees the same).
 *
 * @param pending       tasks waiting to be claimed: {@code due} + {@code scheduled}
 * @param oldestTaskAge how long the most overdue due task has waited since its due time (for a task enqueued to run
 *                      at once: since its enqueue); {@link Duration#ZERO} when none is due. A growing age with a
 *                      non-zero {@code due} means no foreman is taking work.
 * @param counts        per task name: tasks done and failed since the database was created (foremen flush these
 *                      about once a second)
 * @param failedKept    rows in the failed-tasks table
 * @param pendingByName {@code pending} per task name, by name. A name whose count grows while its done count does
 *                      not is one no running foreman handles (each foreman logs those at WARN, and lists them in
 *                      {@link Foreman#unhandledTasks()})
 * @param due           pending tasks whose due time has come: waiting for a worker
 * @param scheduled     pending tasks due later (run-at, retry backoff, a recurring schedule's next tick)
 * @param retrying      pending tasks that are a retry of a failed attempt (attempt 2 or later), due or not
 * @param nextDueAt     the earliest due time among the scheduled tasks; empty when none is scheduled
 * @param running       attempts running, as their records say (on any foreman; one that succeeded less than about a
 *                      second ago, or whose foreman died a moment ago, may still count)
 * @param runningByName {@code running} per task name, by name
 * @param pausedLanes   the lanes paused ({@link TaskQueue#pause}): no foreman claims their tasks until resumed
 */
public record QueueStats(long pending, Duration oldestTaskAge, Map<String, TaskCounts> counts, long failedKept,
                         Map<String, Long> pendingByName, long due, long scheduled, long retrying,
                         Optional<Instant> nextDueAt, long running, Map<String, Long> runningByName,
                         java.util.Set<String> pausedLanes) {

    /** Done and failed totals of one task name; failed includes unknown names and undecodable args. */
    public record TaskCounts(long done, long failed) {
    }
}
