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
    void the_limit_shows_where_it_is_set() {
        assertEquals(Task.NO_LIMIT, OTHER.limit());
        assertEquals(2, LIMITED.limit());
        assertEquals("Task[limited, " + Job.class.getName() + ", limit 2]", LIMITED.toString());
    }
}
