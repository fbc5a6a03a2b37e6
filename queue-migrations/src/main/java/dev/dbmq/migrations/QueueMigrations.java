package dev.dbmq.migrations;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database's dbmq schema up to date with Flyway. The scripts for the database behind the
 * {@link DataSource} are picked by Flyway's vendor name ({@code db/migration/sqlite} or
 * {@code db/migration/postgresql}); the history lives in its own table, {@value #HISTORY_TABLE}, so it never mixes
 * with an application's own Flyway history in a shared database.
 */
public final class QueueMigrations {

    /** Flyway's history table for the dbmq schema. */
    public static final String HISTORY_TABLE = "dbmq_schema_history";

    private QueueMigrations() {
    }

    /**
     * Migrates the database to the newest dbmq schema; does nothing when it is current.
     *
     * @return the number of migrations applied
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, null);
    }

    /**
     * Migrates the given schema (PostgreSQL), creating it when missing; {@code null} means the connection's default.
     *
     * @return the number of migrations applied
     */
    public static int migrate(DataSource dataSource, String schema) {
        var config = Flyway.configure(QueueMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration/{vendor}")
                .table(HISTORY_TABLE)
                .loggers("slf4j");
        if (schema != null) {
            config = config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        MigrateResult result = config.load().migrate();
        return result.migrationsExecuted;
    }
}
