package dev.dbmq.demo;

import dev.dbmq.ContextualTaskHandler;
import dev.dbmq.Retry;
import dev.dbmq.Task;
import java.time.Duration;

/**
 * Args of the "notify" task, the slow one: tells someone about an error event (simulated, like sending an email), so
 * the status page shows slow tasks holding workers while fast ones wait. The mail server is sometimes busy, so the
 * task retries with exponential backoff: deterministically, the first {@link #failingAttempts()} attempts fail for
 * event ids divisible by 3 and the next one succeeds, so retries show on the status page without ending as kept
 * failures (those are the {@link Flaky} task's to show).
 *
 * @param eventId the event to tell about
 * @param message its message
 */
public record Notify(long eventId, String message) {

    /** Waits of about 1 s and 2 s before the attempts the demo's failures need; a fourth attempt to spare. */
    static final Retry RETRY = Retry.exponential(Duration.ofSeconds(1), 4);

    public static final Task<Notify> TASK = Task.of("notify", Notify.class).retry(RETRY);

    /** Simulated time to send one notification. */
    static final Duration WORK = Duration.ofMillis(300);

    /**
     * How many attempts fail before one succeeds: 2 for event ids divisible by 3 (in a burst, where every fifth
     * event is an error, one notification in three), else 0. Always fewer than {@link #RETRY} allows.
     */
    int failingAttempts() {
        return eventId % 3 == 0 ? 2 : 0;
    }

    static ContextualTaskHandler<Notify> handler() {
        return (notify, context) -> {
            if (context.attempt() <= notify.failingAttempts()) {
                throw new MailServerBusy(notify.eventId(), context.attempt());
            }
            Thread.sleep(WORK.toMillis());
        };
    }

    /** The simulated, temporary failure; without a stack trace, which would only repeat the demo's own code. */
    static final class MailServerBusy extends Exception {
        MailServerBusy(long eventId, int attempt) {
            super("mail server busy on attempt " + attempt + " for event " + eventId
                    + " (the demo fails the first two attempts for event ids divisible by 3)", null, false, false);
        }
    }
}
