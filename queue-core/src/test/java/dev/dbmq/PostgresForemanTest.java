package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The foreman contract on PostgreSQL: a schema per test. */
class PostgresForemanTest extends ForemanContract {

    static HikariDataSource pool;
    String schema;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(12);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    @Override
    TaskQueue openQueue() {
        schema = PostgresSupport.newSchema("dbmq_foreman");
        return openSameQueue();
    }

    @Override
    TaskQueue openSameQueue() {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
    }

    @AfterEach
    void dropSchema() throws Exception {
        PostgresSupport.dropSchema(pool, schema);
    }
}
