package dev.dbmq;

import java.time.Instant;

/**
 * Due-time arithmetic for the foreman thread: when, by {@link System#nanoTime()}, to claim a task due at an epoch
 * millisecond by the queue's clock, and how to wait for it. Pure functions.
 */
final class DueTime {

    /** The last stretch before a due time, waited in slices of {@link #SLICE_NANOS} (see {@link #waitFor}). */
    static final long APPROACH_NANOS = 3_000_000L;
    static final long SLICE_NANOS = 100_000L;
    /** A task due by the claim's time but still pending: looked for again this much later, not in a busy loop. */
    static final long NOT_CLAIMABLE_RETRY_NANOS = 1_000_000L;

    private DueTime() {
    }

    /**
     * The {@code nanoTime} at which to claim the earliest pending task, due at {@code nextDueAt} (epoch ms), read after
     * a claim that took due tasks at {@code claimedAtMillis}. The queue's clock is read to microseconds where it has
     * them ({@code now}), so a task due at T ms is claimed just after T, not up to 1 ms later. A task that was due at
     * the claim's time and is still pending was not claimable (another PostgreSQL foreman's claim holds it, or it
     * committed between the claim and the look): look again in 1 ms.
     */
    static long claimAt(long claimedAtMillis, long nextDueAt, Instant now, long nowNanos) {
        if (nextDueAt <= claimedAtMillis) {
            return nowNanos + NOT_CLAIMABLE_RETRY_NANOS;
        }
        long untilMillis = nextDueAt - now.getEpochSecond() * 1000;
        long untilNanos = untilMillis > Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE / 2
                : untilMillis * 1_000_000L - now.getNano();
        return nowNanos + Math.max(0, untilNanos);
    }

    /**
     * How long to wait for a due time {@code untilDueNanos} away: until shortly before it, then in short slices. A
     * long timed wait ends later than asked by an idle CPU's wakeup latency, a short one hardly: the slices cost a few
     * dozen wakeups per due task and cut a due task's lateness about tenfold ({@code ScheduledLatenessBenchmark}).
     */
    static long waitFor(long untilDueNanos) {
        return untilDueNanos > APPROACH_NANOS ? untilDueNanos - APPROACH_NANOS
                : Math.min(untilDueNanos, SLICE_NANOS);
    }
}
