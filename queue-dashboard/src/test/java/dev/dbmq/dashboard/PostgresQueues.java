package dev.dbmq.dashboard;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth; {@code -Ddbmq.pg.host}, {@code .port},
 * {@code .database}, {@code .user} point elsewhere) as this module's tests use it: a schema of its own per test,
 * sessions in a time zone that is not UTC. Without a server a test is skipped, unless {@code DBMQ_REQUIRE_POSTGRES=1}
 * (CI) makes that a failure. (queue-core's PostgresSupport is a test class this module can't see.)
 */
final class PostgresQueues {

    private static String unavailable; // null until asked; "" when the server answered

    private PostgresQueues() {
    }

    static PGSimpleDataSource dataSource() {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
        pg.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
        pg.setDatabaseName(System.getProperty("dbmq.pg.database", "test"));
        pg.setUser(System.getProperty("dbmq.pg.user", "postgres"));
        pg.setOptions("-c TimeZone=Pacific/Chatham"); // UTC+12:45: times must not depend on the session's zone
        pg.setConnectTimeout(20);
        pg.setLoginTimeout(20);
        return pg;
    }

    /** Skips the test (or fails it, when required) unless the server answers; asked once per JVM. */
    static synchronized void assumeAvailable() {
        if (unavailable == null) {
            try (Connection c = dataSource().getConnection()) {
                unavailable = c.isValid(20) ? "" : "the connection was not valid";
            } catch (Exception e) {
                unavailable = String.valueOf(e.getMessage());
            }
        }
        if (unavailable.isEmpty()) {
            return;
        }
        String message = "needs PostgreSQL at 127.0.0.1:5432, database test: " + unavailable;
        String env = System.getenv("DBMQ_REQUIRE_POSTGRES");
        if (env != null && !env.isBlank() && !env.equals("0") && !env.toLowerCase(Locale.ROOT).equals("false")) {
            throw new IllegalStateException(message + " (DBMQ_REQUIRE_POSTGRES is set: a missing server fails)");
        }
        Assumptions.abort(message + "; skipped (DBMQ_REQUIRE_POSTGRES=1 makes this a failure)");
    }

    static String newSchema() {
        return "dbmq_dash_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    static void dropSchema(String schema) throws Exception {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); // test cleanup; the name is ours
        }
    }
}
