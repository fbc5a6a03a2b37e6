package dev.dbmq.demo;

import dev.dbmq.Task;
import dev.dbmq.TaskHandler;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import java.util.List;

/**
 * Args of the "digest" task: one ingested event, digested in the background as Bugsink does after its ingest
 * endpoint has accepted the event. The digest queues follow-up work, as Bugsink's does: a {@link Notify} for error and
 * fatal events, and a {@link Flaky} forward for every event.
 *
 * @param eventId the id the server gave the event
 * @param level   one of {@link #LEVELS}
 * @param message the event's message, possibly empty
 */
public record Digest(long eventId, String level, String message) {

    public static final Task<Digest> TASK = Task.of("digest", Digest.class);

    /** Sentry's event levels, the ones an event may carry. */
    public static final List<String> LEVELS = List.of("debug", "info", "warning", "error", "fatal");

    /** Simulated work per digest: parsing, grouping, storing. */
    static final Duration WORK = Duration.ofMillis(5);

    public Digest {
        if (level == null || !LEVELS.contains(level)) {
            throw new IllegalArgumentException("level must be one of " + String.join(", ", LEVELS) + "; was "
                    + (level == null ? "null" : '"' + level + '"'));
        }
        message = message == null ? "" : message;
    }

    /** Whether this event alerts someone, i.e. queues a {@link Notify}. */
    boolean alerts() {
        return level.equals("error") || level.equals("fatal");
    }

    /** The handler: simulated work, then the follow-up tasks, enqueued on {@code queue}. */
    static TaskHandler<Digest> handler(TaskQueue queue) {
        return digest -> {
            Thread.sleep(WORK.toMillis());
            if (digest.alerts()) {
                queue.enqueue(Notify.TASK, new Notify(digest.eventId(), digest.message()));
            }
            queue.enqueue(Flaky.TASK, new Flaky(digest.eventId()));
        };
    }
}
