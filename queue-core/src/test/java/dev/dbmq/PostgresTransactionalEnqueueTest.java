package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.TestTasks.Echo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transactional enqueue on PostgreSQL, in both forms ({@code enqueue(tx, …)} on a jOOQ context, and
 * {@code enqueue(connection, …)}, whose contract is {@link ConnectionEnqueueContract}). A caller on another PostgreSQL
 * database than the queue's is refused: without the check the task lands in that database's queue table (here there
 * is one, in a schema of the same name, as a second queue would have migrated it), where no foreman of this queue
 * ever looks.
 */
@NeedsPostgres
class PostgresTransactionalEnqueueTest extends ConnectionEnqueueContract {

    static HikariDataSource admin;
    static String otherDatabase;
    static HikariDataSource here;
    static HikariDataSource there;

    String schema;
    TaskQueue queue;      // on the tests' database
    TaskQueue otherQueue; // the same schema name, on the other database

    @BeforeAll
    static void createOtherDatabase() throws Exception {
        admin = PostgresSupport.pool(1);
        otherDatabase = PostgresSupport.newSchema("dbmq_other_db"); // a fresh lower-case name
        PostgresSupport.createDatabase(admin, otherDatabase);
        here = PostgresSupport.pool(4); // the queues, a foreman's LISTEN and its claims
        there = PostgresSupport.pool(2, otherDatabase);
    }

    @AfterAll
    static void dropOtherDatabase() throws Exception {
        there.close();
        here.close();
        try {
            PostgresSupport.dropDatabase(admin, otherDatabase);
        } finally {
            admin.close();
        }
    }

    @BeforeEach
    void openQueues() {
        schema = PostgresSupport.newSchema("dbmq_txenq");
        queue = TaskQueue.open(QueueSettings.postgres(here).schema(schema).build());
        otherQueue = TaskQueue.open(QueueSettings.postgres(there).schema(schema).build());
    }

    @AfterEach
    void closeQueues() throws Exception {
        closeAll(); // the contract's queues and foremen first
        queue.close();
        otherQueue.close();
        PostgresSupport.dropSchema(here, schema);
    }

    @Override
    QueueSettings.Builder newQueueSettings() {
        return QueueSettings.postgres(here).schema(schema);
    }

    /** From a pool of the application's own, as Spring's or Hibernate's would be: not the queue's. */
    @Override
    Connection connection() throws SQLException {
        return closing(PostgresSupport.pool(1, PostgresSupport.database())).getConnection();
    }

    @Override
    Connection connectionToOther() throws SQLException {
        return there.getConnection();
    }

    @Override
    long pendingOnOther() {
        return otherQueue.pending();
    }

    @Test
    void a_transactional_enqueue_on_another_database_is_refused_and_writes_nothing() throws Exception {
        String expected = "tx must be on the queue's PostgreSQL database \"" + PostgresSupport.database()
                + "\", it is on database \"" + otherDatabase + "\"; nothing was written";
        try (Connection c = there.getConnection()) {
            var dsl = DSL.using(c, SQLDialect.POSTGRES);
            // in the application's transaction
            IllegalArgumentException inTx = assertThrows(IllegalArgumentException.class,
                    () -> dsl.transaction(cfg -> queue.enqueue(cfg.dsl(), ECHO, new Echo(1))));
            assertEquals(expected, inTx.getMessage());
            // and in autocommit mode, where an insert would have committed at once
            IllegalArgumentException autocommit = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(dsl, ECHO, new Echo(2)));
            assertEquals(expected, autocommit.getMessage());
        }
        assertEquals(0, queue.pending(), "tasks in the queue's database");
        assertEquals(0, otherQueue.pending(), "tasks in the other database");
    }

    @Test
    void a_transactional_enqueue_through_another_pool_on_the_same_database_is_accepted() throws Exception {
        try (HikariDataSource app = PostgresSupport.pool(1, PostgresSupport.database());
             Connection c = app.getConnection()) {
            var dsl = DSL.using(c, SQLDialect.POSTGRES);
            dsl.transaction(cfg -> {
                queue.enqueue(cfg.dsl(), ECHO, new Echo(1));
                queue.enqueue(cfg.dsl(), ECHO, new Echo(2));
            });
            queue.enqueue(dsl, ECHO, new Echo(3));
        }
        assertEquals(3, queue.pending());
        assertEquals(0, otherQueue.pending());
    }

    @Test
    void a_connection_of_another_kind_of_database_is_refused_before_any_statement_runs_on_it(@TempDir Path dir)
            throws Exception {
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"))) {
            sqlite.setAutoCommit(false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(sqlite, ECHO, new Echo(1)));
            assertEquals("connection must be on the queue's PostgreSQL database \"" + PostgresSupport.database()
                    + "\", it is a SQLite connection; nothing was written", e.getMessage());
            sqlite.commit();
        }
        try (Connection pg = here.getConnection(); TaskQueue sqliteQueue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sqliteQueue.enqueue(pg, ECHO, new Echo(2)));
            assertTrue(e.getMessage().startsWith("connection must be on the queue's file "), e.getMessage());
            assertEquals(0, sqliteQueue.pending());
        }
        assertEquals(0, queue.pending());
    }
}
