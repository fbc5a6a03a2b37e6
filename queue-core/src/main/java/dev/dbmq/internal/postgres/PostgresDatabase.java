package dev.dbmq.internal.postgres;

import dev.dbmq.DbmqException;
import dev.dbmq.QueueSettings;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.OfflineConnection;
import dev.dbmq.internal.migrations.QueueMigrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database shared by many foremen and producers: each use borrows a connection from the application's
 * {@link DataSource} (a pool, typically) and returns it at once. The jOOQ classes generated from the SQLite schema
 * run unchanged here (same columns and Java types); a configured schema is rendered into every table name.
 *
 * <p>Its database's name is read once, when it opens, so that a transactional enqueue on a connection to another
 * database can be refused ({@link #requireSameDatabase}).
 *
 * <p>A DataSource that does not pool connections makes every statement open a server connection, which costs
 * far more than the statement (docs/operating.md, "PostgreSQL", has the measured difference). When it opens, the
 * queue logs that once, at WARN ({@link #warnIfNotPooled}); it still works. A pool known to be too small for dbmq is
 * refused ({@link PoolSize}).
 */
final class PostgresDatabase implements Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);

    /** DataSources known to open a new connection on each getConnection(), by full class name. */
    static final Set<String> NON_POOLING_CLASSES = Set.of(
            "org.postgresql.ds.PGSimpleDataSource",
            "org.postgresql.jdbc2.optional.SimpleDataSource",
            "com.impossibl.postgres.jdbc.PGDataSource");
    /** The same, by simple name in any package: Spring's, c3p0's and others' DriverManager adapters. */
    static final Set<String> NON_POOLING_SIMPLE_NAMES = Set.of("DriverManagerDataSource", "SimpleDriverDataSource");
    /**
     * A getConnection() slower than this, at its fastest of {@link #CONNECTION_SAMPLES}, is taken for a new server
     * connection: a new server connection takes milliseconds even on localhost, a pooled one microseconds
     * (docs/operating.md, "PostgreSQL", has the measured figures). A real server is further away than localhost,
     * which only widens the gap; 1 ms leaves a pool 100 times its usual time on a busy machine.
     */
    static final long SLOW_CONNECTION_NANOS = 1_000_000L;
    static final int CONNECTION_SAMPLES = 3;

    private final DataSource dataSource;
    private final String schema;
    private final Settings settings;
    /** current_database() of the data source's connections, read once when this opens. */
    private final String databaseName;
    private final String schemaVersion;
    private volatile boolean closed;

    PostgresDatabase(QueueSettings queueSettings) {
        this.dataSource = queueSettings.dataSource();
        this.schema = queueSettings.schema();
        Settings s = Database.jooqSettings().withRenderSchema(schema != null);
        if (schema != null) {
            s = s.withRenderMapping(new RenderMapping().withSchemata(new MappedSchema().withInput("")
                    .withOutput(schema)));
        }
        this.settings = s;
        String tooSmall = PoolSize.refusal(dataSource, "open the queue");
        if (tooSmall != null) {
            throw new IllegalArgumentException(tooSmall); // before Flyway, which would wait out the pool's timeout
        }
        try {
            this.schemaVersion = QueueMigrations.apply(dataSource, schema).version();
        } catch (RuntimeException e) {
            throw new DbmqException("cannot migrate the queue's PostgreSQL schema: " + e.getMessage(), e);
        }
        this.databaseName = autocommit(dsl -> dsl.select(DSL.currentCatalog()).fetchSingle().value1());
        warnIfNotPooled();
    }

    /**
     * Logs at WARN, once per queue, when the data source is a class known not to pool connections or when taking a
     * connection from it is as slow as opening one. Runs after the migration, so a pool has started by then; costs
     * {@link #CONNECTION_SAMPLES} getConnection() calls at open.
     */
    private void warnIfNotPooled() {
        String type = dataSource.getClass().getName();
        boolean known = isKnownNonPooling(dataSource.getClass());
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < CONNECTION_SAMPLES && (known || fastest >= SLOW_CONNECTION_NANOS); i++) {
            long t0 = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                fastest = Math.min(fastest, System.nanoTime() - t0);
            } catch (SQLException e) {
                return; // not ours to report here: the next use of the queue fails with the cause
            }
        }
        if (!known && fastest < SLOW_CONNECTION_NANOS) {
            return;
        }
        log.warn("The queue's DataSource ({}) {} (getConnection() took {} ms at its fastest of {}): every enqueue,"
                        + " claim and count then opens a new PostgreSQL connection, over 30 times slower than"
                        + " through a pool. Give TaskQueue.postgres() a"
                        + " connection pool, e.g. HikariCP's HikariDataSource over this one", type,
                known ? "does not pool connections" : "seems not to pool connections",
                String.format(java.util.Locale.ROOT, "%.3f", fastest / 1e6), CONNECTION_SAMPLES);
    }

    static boolean isKnownNonPooling(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (NON_POOLING_CLASSES.contains(c.getName()) || NON_POOLING_SIMPLE_NAMES.contains(c.getSimpleName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The name of the queue's database, as the server gives it ({@code current_database()}). */
    String databaseName() {
        return databaseName;
    }

    /**
     * Refuses a context whose connection is to another database than the queue's: a task written there would sit in
     * that database's queue table (if it has one), where no foreman of this queue looks.
     *
     * <p>Cost: {@link Connection#getCatalog()}. pgjdbc (42.7.6 and later) answers it with {@code select
     * current_catalog} the first time on each physical connection and from memory afterwards (a connection never
     * changes database), so a pooled connection pays one round trip in its life, not one per enqueue. Older pgjdbc
     * answers from the connection's URL without a query. Only when that name differs (or is unknown) is the server
     * asked, before refusing, so that a name the URL aliases (a pooler such as PgBouncer maps its own names to
     * databases) is not refused by mistake.
     *
     * A connection to another kind of database (a SQLite one passed to {@code enqueue(Connection, …)}) is refused
     * before any statement runs on it.
     *
     * <p>Not detected: a database of the same name on another server.
     *
     * @throws IllegalArgumentException naming both databases
     */
    void requireSameDatabase(DSLContext tx, String txName) {
        String txDatabase = tx.connectionResult(c -> {
            String catalog = c.getCatalog();
            if (databaseName.equals(catalog)) {
                return catalog;
            }
            String product = c.getMetaData().getDatabaseProductName();
            if (!"PostgreSQL".equals(product)) {
                throw new IllegalArgumentException(txName + " must be on the queue's PostgreSQL database \""
                        + databaseName + "\", it is a " + product + " connection; nothing was written");
            }
            return DSL.using(c, SQLDialect.POSTGRES, settings).select(DSL.currentCatalog()).fetchSingle().value1();
        });
        if (!databaseName.equals(txDatabase)) {
            throw new IllegalArgumentException(txName + " must be on the queue's PostgreSQL database \""
                    + databaseName + "\", it is on database \"" + txDatabase + "\"; nothing was written");
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A copy: jOOQ's Settings are mutable. */
    Settings settings() {
        return (Settings) settings.clone();
    }

    @Override
    public String describe() {
        return "PostgreSQL" + (schema == null ? "" : " schema " + schema);
    }

    @Override
    public <T> T autocommit(Function<DSLContext, T> work) {
        try (Connection c = connection()) {
            return work.apply(DSL.using(c, SQLDialect.POSTGRES, settings));
        } catch (SQLException | DataAccessException e) {
            throw new DbmqException("cannot use " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** With the queue's schema mapping, as its own statements. */
    @Override
    public DSLContext onCallerConnection(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, settings());
    }

    @Override
    public DSLContext offline() {
        return DSL.using(OfflineConnection.open(), SQLDialect.POSTGRES, settings);
    }

    @Override
    public <T> T transaction(Function<DSLContext, T> work) {
        try (Connection c = connection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.apply(DSL.using(c, SQLDialect.POSTGRES, settings));
                c.commit();
                return result;
            } catch (RuntimeException | Error e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException | DataAccessException e) {
            throw new DbmqException("transaction on " + describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T transactionBy(long deadlineNanos, Function<DSLContext, T> work) {
        return transaction(dsl -> {
            // Lock waits and the statements themselves end at the deadline (SET LOCAL: this transaction only).
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            dsl.execute("SET LOCAL statement_timeout = " + millis); // a number we computed, not user input
            return work.apply(dsl);
        });
    }

    private Connection connection() throws SQLException {
        if (closed) {
            throw new IllegalStateException("the queue on " + describe() + " is closed");
        }
        Connection c = dataSource.getConnection();
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
        }
        return c;
    }

    /** The data source belongs to the application: it is not closed here. */
    @Override
    public void close() {
        closed = true;
    }
}
