package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

@NeedsPostgres
class PostgresPriorityTest extends PriorityContract {

    static HikariDataSource pool;

    @BeforeAll
    static void pool() {
        pool = PostgresSupport.pool(16);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    TaskQueue openQueue() {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_priority")).build());
    }

    /** The database refuses a row no claim would read (written by another tool): an error, not a stranded task. */
    @org.junit.jupiter.api.Test
    void the_database_refuses_a_priority_no_claim_reads() {
        TaskQueue queue = closing(openQueue());
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> queue.database().autocommit(dsl ->
                dev.dbmq.internal.TaskStore.insert(dsl, "bulk-export", "{}", null, 0, 0, -1)));
        org.junit.jupiter.api.Assertions.assertEquals(0, queue.pending());
    }
}
