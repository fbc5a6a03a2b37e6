package dev.dbmq.demo;

import dev.dbmq.Task;
import dev.dbmq.TaskHandler;
import java.time.Duration;

/**
 * Args of the "flaky" task: forwards an event to an integration that is down now and then, so failures show on the
 * status page and in {@code failed list}. Deterministic: it fails exactly for event ids ending in 7 (one in ten).
 *
 * @param eventId the event to forward
 */
public record Flaky(long eventId) {

    public static final Task<Flaky> TASK = Task.of("flaky", Flaky.class);

    /** Simulated time of one call to the integration. */
    static final Duration WORK = Duration.ofMillis(10);

    /** Whether forwarding this event fails. */
    boolean fails() {
        return eventId % 10 == 7;
    }

    static TaskHandler<Flaky> handler() {
        return flaky -> {
            Thread.sleep(WORK.toMillis());
            if (flaky.fails()) {
                throw new IntegrationDown(flaky.eventId());
            }
        };
    }

    /** The simulated failure; without a stack trace, which would only repeat the demo's own code in the log. */
    static final class IntegrationDown extends Exception {
        IntegrationDown(long eventId) {
            super("integration unavailable for event " + eventId + " (the demo fails every event id ending in 7)",
                    null, false, false);
        }
    }
}
