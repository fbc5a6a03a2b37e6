package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.testing.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The scheduling contract on PostgreSQL: a schema per test. */
class PostgresSchedulingTest extends SchedulingContract {

    static HikariDataSource pool;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(24);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    @Override
    TaskQueue openQueue(SettableClock clock) {
        QueueSettings.Builder settings = QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_sched"));
        return TaskQueue.open((clock == null ? settings : settings.clock(clock)).build());
    }
}
