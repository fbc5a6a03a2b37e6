package dev.dbmq.migrations;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.logging.LogFactory;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database's dbmq schema up to date with Flyway. The scripts are picked by the database behind the
 * {@link DataSource}: {@code db/migration/sqlite} or {@code db/migration/postgresql}; any other database is refused
 * (dbmq's claim and wakeup logic is only proven on those two). The history lives in its own table,
 * {@value #HISTORY_TABLE}, so it never mixes with an application's own Flyway history in a shared database.
 */
public final class QueueMigrations {

    /** Flyway's history table for the dbmq schema. */
    public static final String HISTORY_TABLE = "dbmq_schema_history";

    private QueueMigrations() {
    }

    /** The databases dbmq supports, with the folder of their scripts. */
    public enum Vendor {
        SQLITE("sqlite"),
        POSTGRESQL("postgresql");

        private final String folder;

        Vendor(String folder) {
            this.folder = folder;
        }

        /** The classpath location of this vendor's scripts. */
        public String location() {
            return "classpath:db/migration/" + folder;
        }

        /** The vendor of a connection's database; refuses the ones dbmq does not support. */
        public static Vendor of(Connection connection) throws SQLException {
            String product = connection.getMetaData().getDatabaseProductName();
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.contains("sqlite")) {
                return SQLITE;
            }
            if (p.contains("postgres")) {
                return POSTGRESQL;
            }
            throw new IllegalArgumentException("dbmq supports SQLite and PostgreSQL; this database is " + product);
        }
    }

    /**
     * What a migration did.
     *
     * @param applied the number of migrations applied (0 when the schema was current)
     * @param version the schema version now, e.g. "2"
     */
    public record Result(int applied, String version) {
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
        return apply(dataSource, schema).applied();
    }

    /**
     * As {@link #migrate(DataSource, String)}, and says which version the schema is at. Flyway's INFO lines are
     * logged at DEBUG (see {@link FlywayDebugLog}).
     */
    public static Result apply(DataSource dataSource, String schema) {
        Vendor vendor;
        try (Connection c = dataSource.getConnection()) {
            vendor = Vendor.of(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to migrate the dbmq schema: " + e.getMessage(), e);
        }
        FluentConfiguration config = Flyway.configure(QueueMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(vendor.location())
                .table(HISTORY_TABLE)
                .loggers(flywayLogger());
        if (schema != null) {
            config = config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        MigrateResult result = config.load().migrate();
        // targetSchemaVersion is null when nothing was applied: the schema is then at its initial version.
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                : result.initialSchemaVersion;
        return new Result(result.migrationsExecuted, version);
    }

    /**
     * Flyway loads a logger named by class through its own class loader; where that can't see ours (Flyway in a
     * parent class loader of an application server), its plain SLF4J logger, INFO lines and all, beats failing.
     */
    private static String flywayLogger() {
        try {
            if (Class.forName(FlywayDebugLog.class.getName(), false, LogFactory.class.getClassLoader())
                    == FlywayDebugLog.class) {
                return FlywayDebugLog.class.getName();
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not visible to Flyway: fall through
        }
        return "slf4j";
    }
}
