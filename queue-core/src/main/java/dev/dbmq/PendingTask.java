package dev.dbmq;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A task waiting to be claimed, as {@link TaskQueue#findPending} and {@link TaskQueue#findPendingByKey} read it: its
 * first attempt, or a retry waiting for its backoff (a retry keeps the task's id). A snapshot: a foreman may claim the
 * task the moment after it was read.
 *
 * @param id         the task's id, as {@link TaskQueue#enqueue} returned it
 * @param taskName   the stored task name
 * @param attempt    1 for the first attempt, 2 for the first retry, …
 * @param dueAt      when this attempt may run: its due time; for a task due at once, or at an instant already past
 *                   when it was enqueued, its enqueue time (it is due from then on), as {@link TaskContext#scheduledAt}
 *                   gives it to the handler
 * @param enqueuedAt when the task was enqueued (the first attempt's enqueue, for a retry)
 * @param key        its {@link Enqueue#key key}, while it holds one: a retry holds none (the key is freed when the
 *                   first attempt is claimed); a recurring schedule's instance holds {@code dbmq:recurring:<name>}
 * @param metadata   what the producer's {@link EnqueueInterceptor}s stored with it; empty when none did, or when it
 *                   can't be read (written by another tool: the handler then runs without it). Unmodifiable
 * @param args       the stored args, JSON as written (may be sensitive: show with care), as {@link FailedTask#args}
 * @param priority   {@link Task#HIGHEST_PRIORITY} (claimed first among its lane's due tasks) to
 *                   {@link Task#LOWEST_PRIORITY}: its task's, or its enqueue's ({@link Enqueue#priority(int)})
 */
public record PendingTask(long id, String taskName, int attempt, Instant dueAt, Instant enqueuedAt,
                          Optional<String> key, Map<String, String> metadata, String args, int priority) {

    public PendingTask {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(key, "key");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        Objects.requireNonNull(args, "args");
    }
}
