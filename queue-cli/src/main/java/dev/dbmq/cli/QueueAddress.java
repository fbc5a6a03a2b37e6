package dev.dbmq.cli;

import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * Where the queue is ({@code --db}, {@code --schema}), and opening it without creating or migrating anything: the
 * schema's version is checked on a connection of its own first ({@link SchemaVersionCheck}), so
 * {@link TaskQueue#open} then finds the schema current and runs no migration.
 *
 * <p>PostgreSQL is reached through the driver's {@link PGSimpleDataSource}, a new server connection for each use: a
 * command makes a handful, and a pool would cost more to start than it saves. (The queue logs a WARN about an
 * unpooled data source when it opens; the CLI's logging configuration silences that one logger.)
 */
final class QueueAddress {

    static final String POSTGRES_PREFIX = "jdbc:postgresql:";

    private final String db;
    private final String schema;

    /**
     * @throws IllegalArgumentException when {@code db} is missing, names another kind of database, or
     *                                  {@code --schema} is given for SQLite
     */
    QueueAddress(String db, String schema) {
        if (db == null || db.isBlank()) {
            throw new IllegalArgumentException("Missing --db: a SQLite file or a jdbc:postgresql://… URL (or set"
                    + " DBMQ_DB)");
        }
        if (db.startsWith("jdbc:") && !db.startsWith(POSTGRES_PREFIX)) {
            throw new IllegalArgumentException("--db: dbmq reads SQLite files (a path) and PostgreSQL"
                    + " (jdbc:postgresql://host/database), was " + db);
        }
        if (schema != null && !db.startsWith(POSTGRES_PREFIX)) {
            throw new IllegalArgumentException("--schema applies to PostgreSQL only; --db is a SQLite file");
        }
        this.db = db;
        this.schema = schema;
    }

    boolean isPostgres() {
        return db.startsWith(POSTGRES_PREFIX);
    }

    /** The queue as messages name it: the file's absolute path, or the URL without its parameters (a password). */
    String describe() {
        if (isPostgres()) {
            int query = db.indexOf('?');
            return (query < 0 ? db : db.substring(0, query)) + (schema == null ? "" : " schema " + schema);
        }
        return sqliteFile().toString();
    }

    private Path sqliteFile() {
        return Path.of(db).toAbsolutePath().normalize();
    }

    /**
     * Opens the queue when it exists at this CLI's schema version.
     *
     * @throws IllegalStateException saying why when there is no queue there, the schema is at another version, or
     *                               the database can't be reached
     */
    TaskQueue open() {
        return isPostgres() ? openPostgres() : openSqlite();
    }

    private TaskQueue openSqlite() {
        Path file = sqliteFile();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no queue database at " + file + " (dbmq creates none: check --db, or"
                    + " start the application that owns the queue)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE); // should the file vanish meanwhile: an error, not a new file
        SQLiteDataSource check = new SQLiteDataSource(config);
        check.setUrl("jdbc:sqlite:" + file);
        requireCurrentSchema(check::getConnection, SchemaVersionCheck.Vendor.SQLITE);
        return TaskQueue.open(QueueSettings.sqlite(file).build());
    }

    private TaskQueue openPostgres() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        try {
            dataSource.setURL(db);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--db: not a PostgreSQL JDBC URL (" + e.getMessage() + "): " + db);
        }
        if (!db.contains("ApplicationName=")) {
            dataSource.setApplicationName("dbmq cli"); // what pg_stat_activity shows for these sessions
        }
        QueueSettings.Builder settings = QueueSettings.postgres(dataSource);
        if (schema != null) {
            settings.schema(schema); // validates the name before any SQL holds it
        }
        QueueSettings built = settings.build();
        requireCurrentSchema(dataSource::getConnection, SchemaVersionCheck.Vendor.POSTGRESQL);
        return TaskQueue.open(built);
    }

    /** A source of a connection that may throw SQLException. */
    private interface Connector {
        Connection connect() throws SQLException;
    }

    private void requireCurrentSchema(Connector connector, SchemaVersionCheck.Vendor vendor) {
        try (Connection c = connector.connect()) {
            SchemaVersionCheck.require(c, vendor, schema, describe());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue at " + describe() + ": " + e.getMessage(), e);
        }
    }
}
