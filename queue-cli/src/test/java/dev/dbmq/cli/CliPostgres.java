package dev.dbmq.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth) for the CLI's tests: a schema per test
 * class, sessions in a time zone that is not UTC. Without a server the tests are skipped, unless
 * {@code DBMQ_REQUIRE_POSTGRES=1} (CI) makes that a failure.
 */
final class CliPostgres {

    static final String TIME_ZONE = "Pacific/Chatham"; // UTC+12:45: no accident makes it look like UTC
    static final String HOST = System.getProperty("dbmq.pg.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("dbmq.pg.port", 5432);
    static final String DATABASE = System.getProperty("dbmq.pg.database", "test");
    static final String USER = System.getProperty("dbmq.pg.user", "postgres");

    private CliPostgres() {
    }

    /** The URL a user would pass to --db, with the hostile time zone. */
    static String url() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE + "?user=" + USER
                + "&options=-c%20TimeZone%3D" + TIME_ZONE.replace("/", "%2F");
    }

    static PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        ds.setConnectTimeout(10);
        return ds;
    }

    /** A new schema's name, or a skipped test when no server answers (a failure when one is required). */
    static String newSchema() {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            String schema = "dbmq_cli_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            st.execute("CREATE SCHEMA " + schema);
            return schema;
        } catch (SQLException e) {
            String why = "needs PostgreSQL at " + HOST + ":" + PORT + "/" + DATABASE + ": " + e.getMessage();
            if (required()) {
                throw new IllegalStateException(why + " (DBMQ_REQUIRE_POSTGRES is set)", e);
            }
            Assumptions.abort(why + "; skipped (DBMQ_REQUIRE_POSTGRES=1 makes this a failure)");
            return null;
        }
    }

    static void dropSchema(String schema) throws SQLException {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    static boolean required() {
        String env = System.getenv("DBMQ_REQUIRE_POSTGRES");
        return env != null && !env.isBlank() && !env.equals("0") && !env.toLowerCase(Locale.ROOT).equals("false");
    }
}
