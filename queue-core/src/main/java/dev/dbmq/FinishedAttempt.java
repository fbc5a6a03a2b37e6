package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An attempt that ended, as the history keeps it ({@link TaskQueue#history}) for {@link QueueSettings#history()}.
 *
 * @param id         the task's id (a retry keeps it)
 * @param taskName   the stored task name
 * @param attempt    1 for the first attempt
 * @param outcome    how it ended
 * @param enqueuedAt when the task was enqueued
 * @param startedAt  when the attempt started
 * @param finishedAt when it ended
 * @param foremanId  the foreman that ran it ({@link Foreman#id()}, or a {@link ManualForeman}'s own); empty when
 *                   none was recorded
 * @param error      for an attempt that threw, its exception, one line (class and message); empty otherwise
 */
public record FinishedAttempt(long id, String taskName, int attempt, Outcome outcome, Instant enqueuedAt,
                              Instant startedAt, Instant finishedAt, Optional<String> foremanId,
                              Optional<String> error) {

    /** How an attempt ended. */
    public enum Outcome {
        /** Its handler returned. */
        SUCCEEDED,
        /** Its handler threw and the task's next attempt was written. */
        RETRIED,
        /** Its handler threw and the task was kept as failed (its last attempt, or it could not run at all). */
        FAILED,
        /** Cancelled while it ran ({@link TaskQueue#cancel}), and its handler stopped. */
        CANCELLED,
        /** Its handler snoozed it ({@link TaskContext#snooze}): the same attempt runs again later. */
        SNOOZED,
        /** Its foreman died while it ran; kept as failed, or (at least once) run again. */
        INTERRUPTED
    }

    public FinishedAttempt {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(foremanId, "foremanId");
        Objects.requireNonNull(error, "error");
    }

    /** How long it ran: from its start to its end. */
    public Duration took() {
        return Duration.between(startedAt, finishedAt);
    }
}
