package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The history contract on PostgreSQL: a schema per test. */
@NeedsPostgres
class PostgresHistoryTest extends HistoryContract {

    static HikariDataSource pool;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(4);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    @Override
    QueueSettings.Builder settings() {
        return QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_history"));
    }
}
