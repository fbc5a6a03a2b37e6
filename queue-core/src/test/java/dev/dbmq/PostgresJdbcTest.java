package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.internal.Jdbc;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Jdbc}, the claim's statements run without jOOQ on PostgreSQL: what each kind of bind value becomes. */
@NeedsPostgres
class PostgresJdbcTest {

    HikariDataSource pool;
    String schema;
    TaskQueue queue;

    @BeforeEach
    void open() {
        pool = PostgresSupport.pool(2);
        schema = PostgresSupport.newSchema("dbmq_jdbc");
        queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
    }

    @AfterEach
    void close() throws Exception {
        queue.close();
        PostgresSupport.dropSchema(pool, schema);
        pool.close();
    }

    @Test
    void values_arrays_and_nulls_bind_as_their_types() {
        List<String> row = QueueInternals.database(queue).transaction(dsl -> Jdbc.query(dsl,
                "select pg_typeof(?)::text || ' ' || pg_typeof(?)::text || ' ' || pg_typeof(?)::text || ' '"
                        + " || array_length(?::text[], 1) || ' ' || (?::int[])[2] || ' ' || (?::bigint[])[1]"
                        + " || ' ' || coalesce(?::bigint, -1)",
                rs -> rs.getString(1), "s", 7, 8L, new String[] {"a", "b"}, new Integer[] {1, 2},
                new Long[] {9_000_000_000L}, null));
        assertEquals(List.of("character varying integer bigint 2 2 9000000000 -1"), row);
    }

    @Test
    void a_failed_statement_says_which_and_why_and_rolls_the_transaction_back() {
        DbmqException e = assertThrows(DbmqException.class, () -> QueueInternals.database(queue).transaction(dsl -> {
            Jdbc.execute(dsl, "insert into " + schema + ".dbmq_paused_lane (lane, paused_at) values (?, ?)", "bulk", 1L);
            return Jdbc.execute(dsl, "select no_such_column from " + schema + ".dbmq_paused_lane where lane = ?", "x");
        }));
        assertTrue(e.getMessage().contains("no_such_column") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertEquals(List.of(), QueueInternals.database(queue).transaction(dsl -> Jdbc.query(dsl,
                "select lane from " + schema + ".dbmq_paused_lane", rs -> rs.getString(1))), "rolled back");
    }
}
