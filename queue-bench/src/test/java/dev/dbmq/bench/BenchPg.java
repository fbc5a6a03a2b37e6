package dev.dbmq.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server of the machine for the PostgreSQL rows (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}, trust auth; override with -Ddbmq.pg.host/port/database/user in -Djmh.jvmArgsAppend). Each trial
 * works in a schema of its own, dropped at teardown. Each foreman and each producer gets a pool of its own, as
 * separate hosts would: a producer on the foreman's pool and TaskQueue would signal it directly, not by NOTIFY.
 *
 * <p>For diagnosis only: -Ddbmq.pg.synchronousCommit=off (in -Djmh.jvmArgsAppend) sets the sessions'
 * synchronous_commit, to show how much of a figure is the WAL flush at each commit. Published figures use the
 * server's setting (on).
 */
final class BenchPg {

    private BenchPg() {
    }

    /** A HikariCP pool over PGSimpleDataSource, as queue-core's PostgresSupport builds it. */
    static HikariDataSource pool(String name, int size) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
        pg.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
        pg.setDatabaseName(System.getProperty("dbmq.pg.database", "test"));
        pg.setUser(System.getProperty("dbmq.pg.user", "postgres"));
        String synchronousCommit = System.getProperty("dbmq.pg.synchronousCommit");
        if (synchronousCommit != null) {
            pg.setOptions("-c synchronous_commit=" + synchronousCommit);
        }
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size); // all connections open before the first timed invocation
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /** bench_<prefix>_<random hex>: a fresh schema per trial. */
    static String newSchema(String prefix) {
        return ("bench_" + prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL))
                .toLowerCase(Locale.ROOT);
    }

    /** Opens (and migrates, creating the schema) a queue in this schema on this pool. */
    static TaskQueue openQueue(HikariDataSource pool, String schema) {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
    }

    /** Fresh planner statistics for a schema's task table after a bulk fill (autovacuum is off on this server). */
    static void analyze(HikariDataSource pool, String schema) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("ANALYZE " + schema + ".dbmq_task"); // our own generated name
        } catch (SQLException e) {
            throw new IllegalStateException("cannot analyze " + schema + ".dbmq_task", e);
        }
    }

    static void dropSchema(HikariDataSource pool, String schema) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); // our own generated name
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop schema " + schema, e);
        }
    }
}
