package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.testing.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The bulk-operations contract on PostgreSQL: a schema per test. */
@NeedsPostgres
class PostgresBulkOperationsTest extends BulkOperationsContract {

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
    TaskQueue openQueue(SettableClock clock) {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_bulk")).clock(clock)
                .build());
    }

    @Override
    void refuseInsertsOf(TaskQueue queue, String args) {
        String schema = queue.settings().schema();
        queue.database().autocommit(dsl -> dsl.execute("create function " + schema + ".refuse() returns trigger"
                + " language plpgsql as $$ begin if new.args = " + dsl.render(org.jooq.impl.DSL.inline(args)) + " then raise exception"
                + " 'refused by the test'; end if; return new; end $$; create trigger refuse before insert on "
                + schema + ".dbmq_task for each row execute function " + schema + ".refuse()"));
    }

    @Override
    void allowInserts(TaskQueue queue) {
        queue.database().autocommit(dsl -> dsl.execute("drop trigger refuse on " + queue.settings().schema()
                + ".dbmq_task"));
    }
}
