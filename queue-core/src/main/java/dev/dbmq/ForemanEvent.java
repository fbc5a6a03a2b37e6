package dev.dbmq;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ForemanListener} is told about a foreman itself, not about one task: one record per hook. A value
 * rather than a list of parameters, so a field added later changes no listener's signature.
 *
 * <p>Not sealed: kinds may be added, so a {@code switch} over events needs a {@code default} branch. Records, so a
 * test of a listener can make one.
 */
public interface ForemanEvent {

    /** The foreman it happened to: {@link Foreman#id()}. */
    String foremanId();

    /**
     * Claiming failed, e.g. the database is unavailable; nothing was taken (the claim rolled back). Called by the
     * foreman thread, or by a worker thread whose own claim failed; the foreman thread then claims next.
     *
     * @param error   what the claim (or a read around it: the next due time, a flush of counts) threw
     * @param backoff how long the foreman thread waits before it claims again: doubling from 100 ms to 5 s while
     *                claims keep failing; {@link Duration#ZERO} after a worker's claim, as the foreman thread claims
     *                next without waiting
     */
    record ClaimFailed(String foremanId, Throwable error, Duration backoff) implements ForemanEvent {
        public ClaimFailed {
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(backoff, "backoff");
        }
    }

    /**
     * The foreman found no more due tasks and is about to sleep until woken, the next due time or the backstop poll
     * (foreman thread). A task that a producer of the foreman's JVM hands straight to an idle foreman (SQLite) runs
     * without waking it: no Idle follows.
     */
    record Idle(String foremanId) implements ForemanEvent {
        public Idle {
            Objects.requireNonNull(foremanId, "foremanId");
        }
    }

    /**
     * One of the foreman's threads ended without a stop request, so the foreman no longer claims (the loop thread) or
     * is no longer woken (the wakeup or LISTEN thread, leaving only the backstop poll). Its {@link Foreman#state()} is
     * {@link Foreman.State#FAILED} by now; it is logged at ERROR too. Called once, on the dying thread.
     *
     * @param thread the thread's name
     * @param cause  what it threw, or an {@link IllegalStateException} saying it returned
     */
    record ThreadDied(String foremanId, String thread, Throwable cause) implements ForemanEvent {
        public ThreadDied {
            Objects.requireNonNull(foremanId, "foremanId");
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(cause, "cause");
        }
    }
}
