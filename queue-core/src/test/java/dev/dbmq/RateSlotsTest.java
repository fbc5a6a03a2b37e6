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

    @ParameterizedTest(name = "{0} per {1} ms: {2} ns apart")
    @CsvSource(textBlock = """
            100,     1000,     10000000
            3,       1000,     333333333
            1000000, 1,        1
            1,       86400000, 86400000000000
            7,       10,       1428571
            """)
    void slots_are_a_period_over_the_starts_apart(int starts, long perMillis, long spacing) {
        assertEquals(spacing, RateSlots.spacingNanos(rate(starts, perMillis)));
    }

    @ParameterizedTest(name = "spacing {0} ms, last slot {1} ms: first {2} ms")
    @CsvSource(nullValues = "none", textBlock = """
            10,   none,  0
            10,   -10,   0
            10,   -5,    5
            10,   0,     10
            10,   -15,   -5
            10,   -30,   -10
            10,   -3600000, -10
            1000, -3000, -1000
            1,    -50,   -10
            """)
    void the_first_slot_follows_the_last_catching_up_a_little_at_most(long spacingMillis, Long lastMillis,
                                                                      long firstMillis) {
        assertEquals(NOW + firstMillis * MS,
                RateSlots.firstSlot(spacingMillis * MS, lastMillis == null ? null : NOW + lastMillis * MS, NOW));
    }

    @ParameterizedTest(name = "{0} per s, first slot {1} ms, {2} in the window: {3}")
    @CsvSource(textBlock = """
            100,  0,   0,   1
            100,  -10, 0,   2
            100,  -9,  0,   1
            100,  1,   0,   0
            100,  -10, 99,  1
            100,  -10, 100, 0
            100,  -10, 101, -1
            1000, -10, 0,   11
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
