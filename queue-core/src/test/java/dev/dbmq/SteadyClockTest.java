package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.SteadyClock.Reading;
import dev.dbmq.testing.SettableClock;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The queue's clock with backward steps taken out, as a table: the reading before, both clocks now, the reading. */
class SteadyClockTest {

    private static final long T = 1_800_000_000_000L;
    private static final long M = 5_000; // the monotonic clock, ms
    private static final long MIN10 = 600_000;

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("the first reading takes the clock as it is", null, T, M, new Reading(T, M, 0)),
                Arguments.of("time passing on both clocks", new Reading(T, M, 0), T + 100, M + 100,
                        new Reading(T + 100, M + 100, 0)),
                Arguments.of("a test clock standing still stands still", new Reading(T, M, 0), T, M + 60_000,
                        new Reading(T, M + 60_000, 0)),
                Arguments.of("a test clock set forward moves forward", new Reading(T, M, 0), T + MIN10, M + 1,
                        new Reading(T + MIN10, M + 1, 0)),
                Arguments.of("stepped back 10 min: carries on from where it was", new Reading(T, M, 0),
                        T - MIN10, M + 10, new Reading(T - MIN10, M + 10, MIN10)),
                Arguments.of("after the step, time passing adds to it", new Reading(T - MIN10, M, MIN10),
                        T - MIN10 + 500, M + 500, new Reading(T - MIN10 + 500, M + 500, MIN10)),
                Arguments.of("after the step, a move within a second of the time passed is drift",
                        new Reading(T - MIN10, M, MIN10), T - MIN10 + 900, M + 10,
                        new Reading(T - MIN10 + 900, M + 10, MIN10)),
                Arguments.of("stepped forward again by 10 min: gives the step back, less a second's drift",
                        new Reading(T - MIN10, M, MIN10), T, M + 10, new Reading(T, M + 10, 1_010)),
                Arguments.of("stepped forward by more than was taken out: nothing left to give",
                        new Reading(T, M, 5_000), T + MIN10, M + 10, new Reading(T + MIN10, M + 10, 0)),
                Arguments.of("steps back add up", new Reading(T - MIN10, M, MIN10), T - 2 * MIN10, M + 10,
                        new Reading(T - 2 * MIN10, M + 10, 2 * MIN10)),
                Arguments.of("an offset never overflows", new Reading(T, M, Long.MAX_VALUE - 1), 0, M + 1,
                        new Reading(0, M + 1, Long.MAX_VALUE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void reads(String situation, Reading previous, long source, long mono, Reading expected) {
        assertEquals(expected, SteadyClock.next(previous, source, mono));
    }

    @Test
    void never_goes_backwards_whatever_the_clock_under_it_does() {
        SettableClock source = new SettableClock(Instant.ofEpochMilli(T));
        SteadyClock clock = new SteadyClock(source);
        long last = clock.millis();
        long[] moves = {100, -MIN10, 300, 2 * MIN10, -5, 0, -MIN10, 700};
        for (long move : moves) {
            source.set(source.instant().plusMillis(move));
            long now = clock.millis();
            assertTrue(now >= last, "after a move of " + move + " ms: " + now + " < " + last);
            last = now;
        }
    }
}
