package dev.dbmq.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A clock that stands still until a test moves it, for {@link dev.dbmq.QueueSettings.Builder#clock}: due times,
 * retry backoffs and recurring ticks are decided by the queue's clock, so a test sets it past a due time and runs what
 * is due with a {@link dev.dbmq.ManualForeman}, the way db-scheduler's {@code ManualScheduler} is driven:
 *
 * <pre>{@code
 * SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
 * TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(file).clock(clock).build());
 * queue.enqueue(DIGEST, args, Enqueue.after(Duration.ofMinutes(5)));
 * assertEquals(0, foreman.runPending());   // not due yet
 * clock.advance(Duration.ofMinutes(5));
 * assertEquals(1, foreman.runPending());
 * }</pre>
 *
 * <p>Thread-safe. A started (threaded) foreman reads it too, but sleeps by the system's timer: after moving this
 * clock, wake it by enqueueing, or use a manual foreman.
 */
public final class SettableClock implements InstantSource {

    private volatile Instant now;

    public SettableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Sets the time; it may go backwards (a test of clock skew). */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    /** Moves the time forward (or back, for a negative amount); returns the new time. */
    public synchronized Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        now = now.plus(amount);
        return now;
    }

    @Override
    public String toString() {
        return "SettableClock[" + now + "]";
    }
}
