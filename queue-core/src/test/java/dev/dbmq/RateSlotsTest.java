package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RateSlots} as tables. Times in the tables are ms relative to the claim's time, slots ns in the code. */
class RateSlotsTest {

    private static final long NOW = 1_700_000_000_000L * 1_000_000; // a claim's time, epoch ns
    private static final long MS = 1_000_000;

    private static Task.Rate rate(int starts, long perMillis) {
        return new Task.Rate(starts, Duration.ofMillis(perMillis));
    }

    @ParameterizedTest(name = "{0} per {1} ms: headroom {2} ns, {3} ns apart, catching up {4} ns")
    @CsvSource(textBlock = """
            100,     1000,     20000000,     10200000,       5000000
            3,       1000,     20000000,     340000000,      5000000
            1000,    1000,     20000000,     1020000,        5000000
            10,      60000,    600000000,    6060000000,     150000000
            1000000, 1,        100000,       1,              25000
            1,       86400000, 864000000000, 87264000000000, 216000000000
            7,       10,       1000000,      1571428,        250000
            """)
    void slots_are_the_period_and_its_headroom_over_the_starts_apart(int starts, long perMillis, long headroom,
                                                                    long spacing, long catchUp) {
        assertEquals(headroom, RateSlots.headroomNanos(rate(starts, perMillis)));
        assertEquals(spacing, RateSlots.spacingNanos(rate(starts, perMillis)));
        assertEquals(catchUp, RateSlots.catchUpNanos(rate(starts, perMillis)));
    }

    @ParameterizedTest(name = "spacing {0} ms, catching up {1} ms, last slot {2} ms: first {3} ms")
    @CsvSource(nullValues = "none", textBlock = """
            10,   5,   none,     0
            10,   5,   -10,      0
            10,   5,   -5,       5
            10,   5,   0,        10
            10,   5,   -15,      -5
            10,   5,   -30,      -5
            10,   5,   -3600000, -5
            1000, 500, -3000,    -500
            1,    5,   -50,      -5
            """)
    void the_first_slot_follows_the_last_catching_up_a_little_at_most(long spacingMillis, long catchUpMillis,
                                                                      Long lastMillis, long firstMillis) {
        assertEquals(NOW + firstMillis * MS, RateSlots.firstSlot(spacingMillis * MS, catchUpMillis * MS,
                lastMillis == null ? null : NOW + lastMillis * MS, NOW));
    }

    @ParameterizedTest(name = "{0} per s, first slot {1} ms, {2} in the window: {3}")
    @CsvSource(textBlock = """
            100,  0,   0,   1
            100,  -11, 0,   2
            100,  -10, 0,   1
            100,  1,   0,   0
            100,  -11, 99,  1
            100,  -11, 100, 0
            100,  -11, 101, -1
            1000, -10, 0,   10
            1000, -10, 995, 5
            """)
    void a_claim_starts_the_slots_that_came_and_no_more_than_the_window_leaves(int perSecond, long firstMillis,
                                                                              int inWindow, int room) {
        assertEquals(room, RateSlots.room(rate(perSecond, 1000), NOW + firstMillis * MS, NOW, inWindow));
    }

    @ParameterizedTest(name = "first {0} ns, took {1}, window free at {2}: {3} ms")
    @CsvSource(textBlock = """
            1000000000, 0, 0,    1000
            1000000000, 1, 0,    1010
            1000000000, 3, 0,    1030
            1000500000, 0, 0,    1001
            1000000001, 0, 0,    1001
            1000000000, 1, 1500, 1500
            1000000000, 1, 1005, 1010
            """)
    void the_next_start_is_the_next_slot_or_when_the_window_frees(long first, int took, long windowFreeAt,
                                                                   long nextMillis) {
        assertEquals(nextMillis, RateSlots.nextStartMillis(10 * MS, first, took, windowFreeAt));
    }
}
