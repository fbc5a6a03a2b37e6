package dev.dbmq;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server of the machine (127.0.0.1:5432, database {@code test}, trust auth), as tests use it: each
 * test in a schema of its own, sessions in a time zone that is not UTC (times must not depend on it).
 */
public final class PostgresSupport {

    public static final String TIME_ZONE = "Pacific/Chatham"; // UTC+12:45 / +13:45: no accident makes it look like UTC

    private PostgresSupport() {
    }

    /** Whether the tests' server answered (asked once per JVM; see {@link NeedsPostgres}). */
    public static boolean available() {
        return NeedsPostgres.Condition.unavailable().isEmpty();
    }

    public static HikariDataSource pool(int size) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
        pg.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
        pg.setDatabaseName(System.getProperty("dbmq.pg.database", "test"));
        pg.setUser(System.getProperty("dbmq.pg.user", "postgres"));
        pg.setOptions("-c TimeZone=" + TIME_ZONE);
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg);
        config.setMaximumPoolSize(size);
        config.setPoolName("dbmq-test");
        return new HikariDataSource(config);
    }

    public static String newSchema(String prefix) {
        return (prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL))
                .toLowerCase(java.util.Locale.ROOT);
    }

    public static void dropSchema(javax.sql.DataSource ds, String schema) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); // test cleanup; the name is ours
        }
    }

    /**
     * A pool like {@link #pool(int)} on another database of the same server, its sessions started with these planner
     * or other settings (e.g. {@code "enable_hashjoin=off"}): for tests that need a hostile but legal setup.
     */
    public static HikariDataSource pool(int size, String database, String... sessionSettings) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
        pg.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
        pg.setDatabaseName(database);
        pg.setUser(System.getProperty("dbmq.pg.user", "postgres"));
        StringBuilder options = new StringBuilder("-c TimeZone=" + TIME_ZONE);
        for (String setting : sessionSettings) {
            options.append(" -c ").append(setting);
        }
        pg.setOptions(options.toString());
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg);
        config.setMaximumPoolSize(size);
        config.setPoolName("dbmq-test-" + database);
        return new HikariDataSource(config);
    }

    /** The database the tests use ({@code test} unless {@code -Ddbmq.pg.database=} says otherwise). */
    public static String database() {
        return System.getProperty("dbmq.pg.database", "test");
    }

    /** Creates a scratch database on the tests' server (outside any transaction, as PostgreSQL requires). */
    public static void createDatabase(javax.sql.DataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name); // test setup; the name is ours
        }
    }

    /** Drops a scratch database, ending any session still on it. */
    public static void dropDatabase(javax.sql.DataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); // test cleanup; the name is ours
        }
    }
}
