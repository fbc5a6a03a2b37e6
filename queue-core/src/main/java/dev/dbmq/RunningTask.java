package dev.dbmq;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An attempt running now, as {@link TaskQueue#running()} reads it from the database: from any process, not only the
 * foreman's own. A snapshot: the attempt may end the moment after it was read, and one that succeeded less than about
 * a second ago may still be listed (its record goes with its foreman's next write).
 *
 * @param id         the task's id, as {@link TaskQueue#enqueue} returned it
 * @param taskName   the stored task name
 * @param attempt    1 for the first attempt, 2 for the first retry, …
 * @param foremanId  the foreman running it ({@link Foreman#id()}, {@link ForemanInfo#id()})
 * @param startedAt  when its foreman claimed it, by its queue's clock
 * @param enqueuedAt when the task was enqueued (the first attempt's enqueue, for a retry)
 * @param progress   as its handler last reported it, from 0 to 1; empty when it reported none
 * @param note       what its handler said with its progress; empty when nothing
 * @param metadata   what the producer's {@link EnqueueInterceptor}s stored with it; empty when none did, or when it
 *                   can't be read. Unmodifiable
 * @param args       the stored args, JSON as written (may be sensitive: show with care), as {@link FailedTask#args}
 */
public record RunningTask(long id, String taskName, int attempt, String foremanId, Instant startedAt,
                          Instant enqueuedAt, OptionalDouble progress, Optional<String> note,
                          Map<String, String> metadata, String args) {

    public RunningTask {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(foremanId, "foremanId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(note, "note");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        Objects.requireNonNull(args, "args");
    }
}
