package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When a refused outcome write is tried again, as a table: the wait before, the time, the deadline, an interrupt. */
class OutcomeWritesTest {

    private static final long NOW = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long GIVE_UP = OutcomeWrites.GIVE_UP;

    static Stream<Arguments> table() {
        return Stream.of(
                row("first failure, no stop asked for: 50 ms", 0, false, 0, false, 50 * MS),
                row("then doubling", 50 * MS, false, 0, false, 100 * MS),
                row("up to 2 s", 1_600 * MS, false, 0, false, 2 * S),
                row("and 2 s on, for as long as no stop is asked for", 2 * S, false, 0, false, 2 * S),
                row("a deadline far off changes nothing", 2 * S, true, NOW + 60 * S, false, 2 * S),
                row("never past the deadline: the last try comes at it", 2 * S, true, NOW + 300 * MS, false, 300 * MS),
                row("the first wait too", 0, true, NOW + 10 * MS, false, 10 * MS),
                row("at the deadline: gives up", 50 * MS, true, NOW, false, GIVE_UP),
                row("past it: gives up", 0, true, NOW - S, false, GIVE_UP),
                row("interrupted (close() after the graceful timeout): gives up", 0, false, 0, true, GIVE_UP),
                row("interrupted before the deadline: gives up", 100 * MS, true, NOW + S, true, GIVE_UP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String situation, long previous, boolean hasDeadline, long deadline, boolean interrupted,
                 long expected) {
        assertEquals(expected, OutcomeWrites.nextDelay(previous, NOW, hasDeadline, deadline, interrupted));
    }

    private static Arguments row(String situation, long previous, boolean hasDeadline, long deadline,
                                 boolean interrupted, long expected) {
        return Arguments.of(situation, previous, hasDeadline, deadline, interrupted, expected);
    }
}
