package dev.dbmq.demo;

import dev.dbmq.Task;
import dev.dbmq.TaskHandler;
import java.time.Duration;

/**
 * Args of the "notify" task, the slow one: tells someone about an error event (simulated, like sending an email), so
 * the status page shows slow tasks holding workers while fast ones wait.
 *
 * @param eventId the event to tell about
 * @param message its message
 */
public record Notify(long eventId, String message) {

    public static final Task<Notify> TASK = Task.of("notify", Notify.class);

    /** Simulated time to send one notification. */
    static final Duration WORK = Duration.ofMillis(300);

    static TaskHandler<Notify> handler() {
        return notify -> Thread.sleep(WORK.toMillis());
    }
}
