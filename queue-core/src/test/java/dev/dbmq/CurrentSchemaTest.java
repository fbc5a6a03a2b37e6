package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.internal.migrations.QueueMigrations;
import dev.dbmq.migrations.QueueSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A schema already at this jar's scripts opens from its history table alone, without Flyway; anything
 * else still goes to Flyway, which reports it as it always did. SQLite and PostgreSQL (a schema of this class's own).
 * (A schema behind, made by the previous scripts, is {@link UpgradeTest}'s: it still migrates and runs its tasks.)
 *
 * <p>How "without Flyway" is seen, without timing: the history's V1 row gets a checksum no script has. Flyway's
 * migrate validates checksums first and refuses such a history (checked here too, as the control); the current-schema
 * path doesn't read them (the documented trade-off in {@code QueueMigrations.currentVersion}), so an open that
 * succeeds on it did not run Flyway. And the history has no new rows.
 */
public class CurrentSchemaTest {

    public static final String NEWEST = "13";
    static final String HISTORY = QueueMigrations.HISTORY_TABLE;

    @TempDir
    Path dir;

    static HikariDataSource pool;

    @BeforeAll
    static void pool() {
        // Only with a server: without one, the PostgreSQL cases are skipped (NeedsPostgres) and the SQLite ones run.
        pool = PostgresSupport.available() ? PostgresSupport.pool(4) : null;
    }

    @AfterAll
    static void dropPool() {
        if (pool != null) {
            pool.close();
        }
    }

    private DataSource sqlite() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("queue.db"));
        return ds;
    }

    private static String history(String schema) {
        return (schema == null ? "" : schema + ".") + HISTORY;
    }

    @Test
    void sqlite_a_current_database_opens_without_flyway() throws Exception {
        DataSource ds = sqlite();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
        }
        opensWithoutFlyway(ds, null, flyway(ds, null));
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            assertEquals(NEWEST, queue.database().schemaVersion());
            assertEquals(1, queue.pending(), "the task of the first open is still there");
        }
    }

    @NeedsPostgres
    @Test
    void postgres_a_current_schema_opens_without_flyway() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_current");
        try {
            try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
                queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
            }
            opensWithoutFlyway(pool, schema, flyway(pool, schema));
            try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
                assertEquals(NEWEST, queue.database().schemaVersion());
                assertEquals(1, queue.pending(), "the task of the first open is still there");
            }
        } finally {
            PostgresSupport.dropSchema(pool, schema);
        }
    }

    @Test
    void sqlite_a_database_holding_an_applications_tables_gets_the_queue_beside_them_and_then_opens_without_flyway()
            throws Exception {
        DataSource ds = sqlite();
        execute(ds, "CREATE TABLE app_user (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
        execute(ds, "INSERT INTO app_user (email) VALUES ('ada@example.com')");
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
            assertEquals(NEWEST, queue.database().schemaVersion());
        }
        assertEquals(1, count(ds, "app_user"), "the application's table untouched");
        opensWithoutFlyway(ds, null, flyway(ds, null));
    }

    @NeedsPostgres
    @Test
    void postgres_a_schema_holding_an_applications_tables_gets_the_queue_beside_them_and_then_opens_without_flyway()
            throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_shared");
        try {
            execute(pool, "CREATE SCHEMA " + schema);
            execute(pool, "CREATE TABLE " + schema + ".app_user (id bigserial PRIMARY KEY, email text NOT NULL)");
            execute(pool, "INSERT INTO " + schema + ".app_user (email) VALUES ('ada@example.com')");
            try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
                queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
                assertEquals(NEWEST, queue.database().schemaVersion());
            }
            assertEquals(1, count(pool, schema + ".app_user"), "the application's table untouched");
            opensWithoutFlyway(pool, schema, flyway(pool, schema));
        } finally {
            PostgresSupport.dropSchema(pool, schema);
        }
    }

    @Test
    void sqlite_a_failed_row_goes_to_flyway() throws Exception {
        DataSource ds = sqlite();
        QueueMigrations.apply(ds, null);
        failedRowGoesToFlyway(ds, null);
    }

    @NeedsPostgres
    @Test
    void postgres_a_failed_row_goes_to_flyway() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_current");
        try {
            QueueMigrations.apply(pool, schema);
            failedRowGoesToFlyway(pool, schema);
        } finally {
            PostgresSupport.dropSchema(pool, schema);
        }
    }

    @Test
    void sqlite_a_version_this_jar_does_not_know_goes_to_flyway() throws Exception {
        DataSource ds = sqlite();
        QueueMigrations.apply(ds, null);
        newerVersionGoesToFlyway(ds, null);
    }

    @NeedsPostgres
    @Test
    void postgres_a_version_this_jar_does_not_know_goes_to_flyway() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_current");
        try {
            QueueMigrations.apply(pool, schema);
            newerVersionGoesToFlyway(pool, schema);
        } finally {
            PostgresSupport.dropSchema(pool, schema);
        }
    }

    @Test
    void sqlite_a_new_file_and_a_history_without_the_newest_row_go_to_flyway() throws Exception {
        DataSource ds = sqlite();
        assertEquals(new QueueMigrations.Result(Integer.parseInt(NEWEST), NEWEST), QueueMigrations.apply(ds, null),
                "a new file");
        execute(ds, "DELETE FROM " + HISTORY + " WHERE version = '" + NEWEST + "'");
        // Flyway applies the newest script again, which fails on the objects it made: proof that Flyway, not the shortcut, ran.
        RuntimeException e = assertThrows(RuntimeException.class, () -> QueueMigrations.apply(ds, null));
        assertTrue(e instanceof FlywayException, "Flyway's own report: " + e);
    }

    private static Flyway flyway(DataSource ds, String schema) {
        var config = Flyway.configure(CurrentSchemaTest.class.getClassLoader()).dataSource(ds)
                .locations(schema == null ? QueueSchema.SQLITE_LOCATION : QueueSchema.POSTGRESQL_LOCATION)
                .table(HISTORY);
        if (schema != null) {
            config = config.schemas(schema).defaultSchema(schema);
        }
        return config.load();
    }

    private static void opensWithoutFlyway(DataSource ds, String schema, Flyway control) throws SQLException {
        execute(ds, "UPDATE " + history(schema) + " SET checksum = checksum + 1 WHERE version = '1'");
        int rows = count(ds, history(schema));
        FlywayException refused = assertThrows(FlywayException.class, control::migrate,
                "control: Flyway's migrate refuses a history whose checksum no script has");
        assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());

        assertEquals(new QueueMigrations.Result(0, NEWEST), QueueMigrations.apply(ds, schema));
        assertEquals(rows, count(ds, history(schema)), "no history rows written");
    }

    private static void failedRowGoesToFlyway(DataSource ds, String schema) throws SQLException {
        execute(ds, "UPDATE " + history(schema) + " SET success = " + (schema == null ? "0" : "false")
                + " WHERE version = '" + NEWEST + "'");
        FlywayException e = assertThrows(FlywayException.class, () -> QueueMigrations.apply(ds, schema));
        assertTrue(e.getMessage().contains("failed migration to version " + NEWEST), e.getMessage());
    }

    /**
     * Flyway ignores a future version (its default ignoreMigrationPatterns "*:future"), so what it reports is not an
     * error: the wrong V1 checksum shows that it ran, as only Flyway's validation reads checksums.
     */
    private static void newerVersionGoesToFlyway(DataSource ds, String schema) throws SQLException {
        String future = String.valueOf(Integer.parseInt(NEWEST) + 1);
        execute(ds, "INSERT INTO " + history(schema) + " (installed_rank, version, description, type, script,"
                + " checksum, installed_by, execution_time, success) SELECT max(installed_rank) + 1, '" + future
                + "', 'from a newer jar', 'SQL', 'V" + future + "__from_a_newer_jar.sql', 1, 'test', 0, "
                + (schema == null ? "1" : "true") + " FROM " + history(schema));
        QueueMigrations.Result asToday = QueueMigrations.apply(ds, schema);
        assertEquals(0, asToday.applied(), "nothing applied on a newer schema: " + asToday);
        execute(ds, "UPDATE " + history(schema) + " SET checksum = checksum + 1 WHERE version = '1'");
        FlywayException e = assertThrows(FlywayException.class, () -> QueueMigrations.apply(ds, schema));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static int count(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
