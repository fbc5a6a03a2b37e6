package dev.dbmq.internal.migrations;

import dev.dbmq.migrations.QueueSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.logging.LogFactory;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database's dbmq schema up to date with Flyway. The scripts are picked by the database behind the
 * {@link DataSource}: {@code dev/dbmq/migrations/sqlite} or {@code dev/dbmq/migrations/postgresql} (not under
 * {@code db/migration}, where an application's own Flyway would find them); any other database is refused (dbmq's
 * claim and wakeup logic is only proven on those two). The history lives in its own table,
 * {@value #HISTORY_TABLE}, so it never mixes with an application's own Flyway history in a shared database.
 */
public final class QueueMigrations {

    /** Flyway's history table for the dbmq schema. */
    public static final String HISTORY_TABLE = QueueSchema.HISTORY_TABLE;

    private QueueMigrations() {
    }

    /** The databases dbmq supports, with the folder of their scripts. */
    public enum Vendor {
        SQLITE("sqlite", QueueSchema.SQLITE_LOCATION),
        POSTGRESQL("postgresql", QueueSchema.POSTGRESQL_LOCATION);

        private final String folder;
        private final String location;

        Vendor(String folder, String location) {
            this.folder = folder;
            this.location = location;
        }

        /** The classpath location of this vendor's scripts. */
        public String location() {
            return location;
        }

        /** The build's list of this vendor's script names (see queue-migrations' pom), next to this class. */
        String scriptList() {
            return folder + "-migrations.list";
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
     * As {@link #migrate(DataSource, String)}, and says which version the schema is at. A schema already at this
     * jar's newest version is recognised from its history table alone, without loading Flyway (see
     * {@link #currentVersion}); otherwise Flyway migrates, its INFO lines logged at DEBUG (see
     * {@link FlywayDebugLog}).
     */
    public static Result apply(DataSource dataSource, String schema) {
        Vendor vendor;
        String current;
        try (Connection c = dataSource.getConnection()) {
            vendor = Vendor.of(c);
            current = currentVersion(c, vendor, schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to migrate the dbmq schema: " + e.getMessage(), e);
        }
        if (current != null) {
            return new Result(0, current);
        }
        return FlywayRun.migrate(dataSource, schema, vendor);
    }

    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

    /**
     * The schema's version when its history says it is exactly at this jar's scripts, else null (Flyway decides).
     * Loading Flyway (its configuration, plugins, the classpath scan, validation) was most of a cold open (README-bench,
     * "Cold start"), for a schema that is current on nearly every open. Current means: the history table
     * exists, every row succeeded, its rows are plain SQL migrations (and the SCHEMA row of a schema Flyway created, or
     * the version-0 BASELINE row of one that held other tables first), and their versions are exactly those of the
     * scripts on the classpath. Anything else (no table, behind, a failed row, a version this jar doesn't know, another
     * baseline, an unreadable list) goes to Flyway, which reports it as ever.
     *
     * <p>Trade-off: a current schema skips Flyway's validation, so a script edited after it was applied (its checksum
     * no longer matches) is not detected at open; Flyway still detects it at the next migration.
     */
    static String currentVersion(Connection c, Vendor vendor, String schema) throws SQLException {
        Set<String> known = knownVersions(vendor);
        if (known == null || !historyExists(c, vendor, schema)) {
            return null;
        }
        String table = (schema == null ? "" : quote(schema) + ".") + HISTORY_TABLE;
        Set<String> applied = new HashSet<>();
        String newest = null;
        try (PreparedStatement st = c.prepareStatement("SELECT version, type, success FROM " + table
                + " ORDER BY installed_rank");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String version = rs.getString(1);
                String type = rs.getString(2);
                if (!rs.getBoolean(3)) {
                    return null;
                }
                if ("SQL".equals(type) && version != null && applied.add(version)) {
                    newest = version;
                } else if (!"SCHEMA".equals(type) && !("BASELINE".equals(type) && "0".equals(version))) {
                    return null;
                }
            }
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback(); // only read: leave no transaction open on a pooled connection
            }
        }
        return applied.equals(known) ? newest : null;
    }

    private static boolean historyExists(Connection c, Vendor vendor, String schema) throws SQLException {
        String sql = vendor == Vendor.SQLITE
                ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                : "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = ? AND schemaname = "
                        + (schema == null ? "current_schema()" : "?");
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, HISTORY_TABLE);
            if (vendor == Vendor.POSTGRESQL && schema != null) {
                st.setString(2, schema);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** As Flyway names a schema on PostgreSQL: quoted, case kept. */
    private static String quote(String schema) {
        return '"' + schema.replace("\"", "\"\"") + '"';
    }

    /**
     * The versions of this jar's scripts for the vendor, from the list the build writes next to this class (the
     * names in the script folder: no constant to keep in step), as Flyway writes them ("1_1" is "1.1"); null when
     * the list is missing or names something that isn't a versioned script.
     */
    static Set<String> knownVersions(Vendor vendor) {
        try (InputStream in = QueueMigrations.class.getResourceAsStream(vendor.scriptList())) {
            if (in == null) {
                return null;
            }
            Set<String> versions = new HashSet<>();
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            for (String name : line == null ? new String[0] : line.split(",")) {
                Matcher m = VERSIONED.matcher(name.trim());
                if (!m.matches()) {
                    return null;
                }
                versions.add(m.group(1).replace('_', '.'));
            }
            return versions.isEmpty() ? null : versions;
        } catch (IOException e) {
            return null;
        }
    }

    /** Flyway's migrate, in a class of its own so that the current-schema path never loads a Flyway class. */
    private static final class FlywayRun {

        static Result migrate(DataSource dataSource, String schema, Vendor vendor) {
            FluentConfiguration config = Flyway.configure(QueueMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(vendor.location())
                    .table(HISTORY_TABLE)
                    // A schema holding an application's tables but no dbmq history (PostgreSQL's public, an
                    // application's SQLite file) is "non-empty" to Flyway, which would refuse it: the history is
                    // dbmq's own, so it starts from a version-0 baseline and every script runs.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
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
}
