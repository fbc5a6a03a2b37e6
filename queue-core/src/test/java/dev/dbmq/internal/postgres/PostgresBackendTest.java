package dev.dbmq.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.NeedsPostgres;
import dev.dbmq.PostgresSupport;
import dev.dbmq.QueueSettings;
import dev.dbmq.internal.Backend;
import dev.dbmq.internal.BackendContract;
import dev.dbmq.internal.CallerTransactionContract;
import dev.dbmq.internal.ClaimContract;
import dev.dbmq.internal.ExclusivityContract;
import dev.dbmq.internal.InsertContract;
import dev.dbmq.internal.WakeupContract;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on PostgreSQL: a schema per test on the tests' database; "another database" is a scratch
 * database of the same server holding a queue in a schema of the same name. Any number of foremen.
 */
@NeedsPostgres
class PostgresBackendTest extends BackendContract implements InsertContract, ClaimContract,
        CallerTransactionContract, WakeupContract, ExclusivityContract {

    static HikariDataSource admin;
    static HikariDataSource pool;  // the queue's
    static HikariDataSource app;   // the application's own pool on the same database
    static HikariDataSource there; // on the other database
    static String otherDatabase;

    String schema;

    @BeforeAll
    static void connect() throws Exception {
        admin = PostgresSupport.pool(1);
        otherDatabase = PostgresSupport.newSchema("dbmq_contract_db");
        PostgresSupport.createDatabase(admin, otherDatabase);
        pool = PostgresSupport.pool(12);
        app = PostgresSupport.pool(2, PostgresSupport.database());
        there = PostgresSupport.pool(2, otherDatabase);
    }

    @AfterAll
    static void disconnect() throws Exception {
        there.close();
        app.close();
        pool.close();
        try {
            PostgresSupport.dropDatabase(admin, otherDatabase);
        } finally {
            admin.close();
        }
    }

    @Override
    protected Backend openFresh() {
        schema = PostgresSupport.newSchema("dbmq_backend");
        String dropped = schema;
        closing(() -> PostgresSupport.dropSchema(pool, dropped)); // closed last, after every backend of the test
        return openSame();
    }

    @Override
    public Backend openSame() {
        return new PostgresBackend(QueueSettings.postgres(pool).schema(schema).build());
    }

    /** The same schema name on the other database (dropped with it). */
    @Override
    public Backend openOther() {
        return new PostgresBackend(QueueSettings.postgres(there).schema(schema).build());
    }

    @Override
    public boolean admitsSeveralForemen() {
        return true;
    }

    /** It wakes its target once LISTEN is in place, for what was committed while it was not listening. */
    @Override
    public boolean wakesOnceListening() {
        return true;
    }

    @Override
    public String describedAs() {
        return schema;
    }

    @Override
    public CallerTx openCallerTx() throws Exception {
        return callerTx(app, schema);
    }

    @Override
    public CallerTx openCallerTxOnOther() throws Exception {
        return callerTx(there, schema);
    }

    /** A connection of the application's pool, its search_path on the queue's schema (set outside a transaction). */
    static CallerTx callerTx(DataSource ds, String schema) throws Exception {
        Connection c = ds.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema); // test setup; the name is ours
        }
        return CallerTx.over(c, SQLDialect.POSTGRES, conn -> {
            try (Statement st = conn.createStatement()) {
                st.execute("RESET search_path");
            }
        });
    }

    /**
     * A database whose collation is linguistic (ICU en-US, as many are created), where punctuation weighs nothing at
     * first: 'dbmq:recurring:x' sorts after 'dbmq:recurring;', so the range that is exact on SQLite would miss
     * every key. The prefix condition still finds exactly the keys with the prefix.
     */
    @Test
    void keyStartsWith_is_exact_on_a_database_with_a_linguistic_collation() throws Exception {
        String database = PostgresSupport.newSchema("dbmq_icu_db");
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database // test setup; the name is ours
                    + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        }
        try (HikariDataSource icu = PostgresSupport.pool(2, database);
             Backend b = new PostgresBackend(QueueSettings.postgres(icu).schema(schema).build())) {
            InsertContract.insertKeys(b, List.of("dbmq:recurring:x", "dbmq:recurring:", "dbmq:recurringx",
                    "dbmq:recurring;y", "DBMQ:RECURRING:Z", "dbmq:recurring_w", "dbmq:x"));
            assertEquals(List.of("dbmq:recurring:", "dbmq:recurring:x"),
                    InsertContract.keysStartingWith(b, "dbmq:recurring:"));
        } finally {
            PostgresSupport.dropDatabase(admin, database);
        }
    }

    @Test
    void another_schema_on_the_same_pool_has_another_key() {
        String otherSchema = PostgresSupport.newSchema("dbmq_backend_other");
        closing(() -> PostgresSupport.dropSchema(pool, otherSchema));
        Backend other = closing(new PostgresBackend(QueueSettings.postgres(pool).schema(otherSchema).build()));
        assertNotEquals(backend().key(), other.key());
    }
}
