package dev.dbmq;

import java.time.Instant;
import java.util.Objects;

/**
 * Attempts of one task name that ended in one minute, as {@link TaskQueue#countsPerMinute} reads them: kept for a day,
 * whether or not the queue keeps a history.
 *
 * @param taskName the stored task name
 * @param minute   the minute's start
 * @param done     attempts that succeeded
 * @param failed   tasks kept as failed (their last attempt, or one that could not run)
 */
public record MinuteCount(String taskName, Instant minute, long done, long failed) {

    public MinuteCount {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(minute, "minute");
    }
}
