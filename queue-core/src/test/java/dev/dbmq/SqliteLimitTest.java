package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteLimitTest extends LimitContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {0, -1, 1_000_001, Integer.MIN_VALUE})
    void a_limit_outside_1_to_a_million_is_refused_when_set_with_the_setting_named(int limit) {
        assertEquals("limit must be 1 to 1000000, was " + limit,
                assertThrows(IllegalArgumentException.class, () -> OTHER.limit(limit)).getMessage());
    }

    @org.junit.jupiter.api.Test
    void bad_rates_are_refused_when_set_with_the_setting_named() {
        assertEquals("rate's starts must be 1 to 1000000, was 0", assertThrows(IllegalArgumentException.class,
                () -> OTHER.rate(0, java.time.Duration.ofSeconds(1))).getMessage());
        assertEquals("rate's per must be 1 ms to 1 day, was PT0S", assertThrows(IllegalArgumentException.class,
                () -> OTHER.rate(1, java.time.Duration.ZERO)).getMessage());
        assertEquals("rate's per must be 1 ms to 1 day, was PT24H0.001S", assertThrows(IllegalArgumentException.class,
                () -> OTHER.rate(1, java.time.Duration.ofDays(1).plusMillis(1))).getMessage());
        assertEquals("rate's per must be whole milliseconds, was PT0.0015S", assertThrows(
                IllegalArgumentException.class, () -> OTHER.rate(1, java.time.Duration.ofNanos(1_500_000)))
                .getMessage());
        assertEquals("Task[rated, " + Job.class.getName() + ", rate 10 per PT0.4S]", RATED.toString());
        assertEquals(java.util.Optional.empty(), OTHER.rate());
    }

    /** What a claim may take of a type, as a table: the fewer of a limit's places and a rate's starts left. */
    @ParameterizedTest(name = "limit {0}, running {1}, rate leaves {2}: {3}")
    @org.junit.jupiter.params.provider.CsvSource(nullValues = "none", textBlock = """
            none, 0, none, 2147483647
            2,    0, none, 2
            2,    2, none, 0
            2,    3, none, -1
            none, 0, 6,    6
            none, 0, 0,    0
            5,    1, 2,    2
            5,    4, 9,    1
            """)
    void room_is_the_fewer_of_the_places_and_the_starts_left(Integer limit, int running, Integer rateRoom, int room) {
        assertEquals(room, ClaimLimits.room(limit, running, rateRoom));
    }

    @org.junit.jupiter.api.Test
    void the_limit_shows_where_it_is_set() {
        assertEquals(Task.NO_LIMIT, OTHER.limit());
        assertEquals(2, LIMITED.limit());
        assertEquals("Task[limited, " + Job.class.getName() + ", limit 2]", LIMITED.toString());
    }
}
