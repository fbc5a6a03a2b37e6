package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The malformed-text contract on PostgreSQL: a schema per test. */
@NeedsPostgres
class PostgresMalformedTextTest extends MalformedTextContract {

    static HikariDataSource pool;
    String schema;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(4);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    @BeforeEach
    void newSchema() {
        schema = PostgresSupport.newSchema("dbmq_text");
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeAll(); // the queues first
        PostgresSupport.dropSchema(pool, schema);
    }

    @Override
    QueueSettings.Builder newQueueSettings() {
        return QueueSettings.postgres(pool).schema(schema);
    }

    @Override
    <T> T inTransaction(Function<DSLContext, T> work) throws Exception {
        try (Connection c = pool.getConnection()) {
            return DSL.using(c, SQLDialect.POSTGRES).transactionResult(cfg -> work.apply(cfg.dsl()));
        }
    }
}
