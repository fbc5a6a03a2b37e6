package dev.dbmq;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue's clock as dbmq reads it: the configured clock ({@link QueueSettings#clock()}) with its backward steps
 * taken out. An NTP step, or a VM resumed from a snapshot, can set the wall clock back by minutes; every due time
 * written before (a retry's backoff, a recurring tick, {@code Enqueue.after}) would then wait out the step as well,
 * and a schedule would go silent for that long. Read through this, time keeps going from where it was: a step back
 * of Δ is added to an offset, and a later jump forward (beyond the time that passed, by the monotonic clock) takes
 * as much of the offset back, so the two steps of a resumed snapshot cancel out. Never goes backwards; follows the
 * configured clock exactly while it only moves forward, so a test clock that stands still stands still here too.
 *
 * <p>Per JVM and queue: a process that starts after a step has no offset (see docs/guarantees.md: a due-now
 * task never depends on any clock; a due time written before the step waits at most the step there).
 * Thread-safe, lock-free.
 */
final class SteadyClock implements InstantSource {

    /** A jump forward smaller than this beyond the time that passed is ordinary drift, not a step. */
    static final long FORWARD_STEP_MILLIS = 1_000;

    /**
     * @param lastSource the configured clock's last reading, epoch ms
     * @param lastMono   {@link System#nanoTime()} in ms at that reading
     * @param offset     the backward steps taken out so far, ms, never negative
     */
    record Reading(long lastSource, long lastMono, long offset) {
        long millis() {
            return lastSource + offset;
        }
    }

    private final InstantSource source;
    private final AtomicReference<Reading> last = new AtomicReference<>();

    SteadyClock(InstantSource source) {
        this.source = source;
    }

    /** The reading after {@code previous} (null: the first), given the configured clock and the monotonic one. */
    static Reading next(Reading previous, long sourceMillis, long monoMillis) {
        if (previous == null) {
            return new Reading(sourceMillis, monoMillis, 0);
        }
        long moved = sourceMillis - previous.lastSource();
        long offset = previous.offset();
        if (moved < 0) {
            offset = saturatedAdd(offset, -moved); // stepped back: carry on from where it was
        } else if (offset > 0) {
            long jump = moved - Math.max(0, monoMillis - previous.lastMono()) - FORWARD_STEP_MILLIS;
            if (jump > 0) {
                offset -= Math.min(offset, jump); // stepped forward again: give back what was taken out
            }
        }
        return new Reading(sourceMillis, monoMillis, offset);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    @Override
    public long millis() {
        while (true) {
            Reading previous = last.get();
            long mono = System.nanoTime() / 1_000_000;
            Reading reading = next(previous, source.millis(), mono);
            if (last.compareAndSet(previous, reading)) {
                return reading.millis();
            }
        }
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /** For messages: how far the configured clock has been set back, ms (0 when it never was). */
    long offsetMillis() {
        Reading r = last.get();
        return r == null ? 0 : r.offset();
    }

    @Override
    public String toString() {
        return "SteadyClock[" + source + ", offset " + offsetMillis() + " ms]";
    }
}
