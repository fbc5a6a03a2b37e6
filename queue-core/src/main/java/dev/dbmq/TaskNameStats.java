package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One task name's part of the queue, as {@link TaskQueue#statsByName()} reads it: what an operator's overview shows
 * per row. Every name that has tasks pending, running or kept as failed, or a count, has one. The counts of tasks
 * (due, scheduled, retrying, failed kept) stop at {@link #COUNT_LIMIT}, so that reading them costs the same however
 * many there are: a count equal to it means that many or more ({@link #atLimit}).
 *
 * @param taskName     the stored task name
 * @param due          pending tasks whose due time has come (retries among them)
 * @param scheduled    pending tasks due later (retries waiting for their backoff among them)
 * @param retrying     pending tasks that are a retry (attempt 2 or later), due or not
 * @param running      attempts running on live foremen (and, for about a second, attempts that just ended)
 * @param failedKept   tasks kept in the failed-tasks table
 * @param done         attempts that succeeded, since the queue was made
 * @param failed       tasks kept as failed, since the queue was made (also those deleted or requeued since)
 * @param oldestDueAge how long the longest-waiting due task has been due; zero when none is
 * @param nextDueAt    when the next scheduled task is due; empty when none is
 */
public record TaskNameStats(String taskName, long due, long scheduled, long retrying, long running, long failedKept,
                            long done, long failed, Duration oldestDueAge, Optional<Instant> nextDueAt) {

    /** Where the counts of tasks stop: ten thousand. */
    public static final int COUNT_LIMIT = 10_000;

    public TaskNameStats {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(oldestDueAge, "oldestDueAge");
        Objects.requireNonNull(nextDueAt, "nextDueAt");
    }

    /** Whether {@code count}, one of this record's counts of tasks, stopped at {@link #COUNT_LIMIT}. */
    public static boolean atLimit(long count) {
        return count >= COUNT_LIMIT;
    }

    /** Tasks waiting to be claimed: {@code due + scheduled} (each stops at {@link #COUNT_LIMIT}). */
    public long pending() {
        return due + scheduled;
    }
}
