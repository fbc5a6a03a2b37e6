package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When the foreman thread claims a task due later, and how it waits for it: tables. */
class DueTimeTest {

    private static final long MS = 1_000_000L;
    private static final long NANOS = 5_000_000_000L; // any nanoTime: only differences matter

    static Stream<Arguments> claimAt() {
        return Stream.of(
                // claimed at, next due, the clock now, nanos after NANOS to claim at
                Arguments.of("due 150 ms after the claim, read at its time", 1_000L, 1_150L,
                        Instant.ofEpochMilli(1_000), 150 * MS),
                Arguments.of("the clock read to microseconds: 0.4 ms of the wait has passed", 1_000L, 1_150L,
                        Instant.ofEpochMilli(1_000).plusNanos(400_000), 150 * MS - 400_000),
                Arguments.of("due at the claim's time but still pending (not claimable): 1 ms later", 1_000L,
                        1_000L, Instant.ofEpochMilli(1_000), DueTime.NOT_CLAIMABLE_RETRY_NANOS),
                Arguments.of("due before the claim's time, still pending: 1 ms later", 1_000L, 900L,
                        Instant.ofEpochMilli(1_000), DueTime.NOT_CLAIMABLE_RETRY_NANOS),
                Arguments.of("the clock passed the due time since the claim: at once", 1_000L, 1_150L,
                        Instant.ofEpochMilli(1_200), 0L),
                Arguments.of("due in the far future: no overflow", 1_000L, Long.MAX_VALUE - 1,
                        Instant.ofEpochMilli(1_000), Long.MAX_VALUE / 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimAt")
    void claims_at(String situation, long claimedAt, long nextDueAt, Instant now, long expectedAfter) {
        assertEquals(expectedAfter, DueTime.claimAt(claimedAt, nextDueAt, now, NANOS) - NANOS);
    }

    static Stream<Arguments> waits() {
        return Stream.of(Arguments.of(50 * MS, 47 * MS), Arguments.of(3 * MS + 1, 1L),
                Arguments.of(3 * MS, DueTime.SLICE_NANOS), Arguments.of(50_000L, 50_000L), Arguments.of(0L, 0L));
    }

    @ParameterizedTest(name = "due in {0} ns: waits {1} ns")
    @MethodSource("waits")
    void waits_until_shortly_before_then_in_slices(long untilDue, long expected) {
        assertEquals(expected, DueTime.waitFor(untilDue));
    }
}
