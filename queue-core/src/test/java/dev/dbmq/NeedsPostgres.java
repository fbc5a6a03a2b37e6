package dev.dbmq;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A test (class or method) that needs the PostgreSQL server of {@link PostgresSupport}. Without one it is skipped and
 * says what it needs, so that a newcomer's {@code mvn -B verify} passes on a machine without PostgreSQL; with
 * {@code DBMQ_REQUIRE_POSTGRES=1} in the environment (CI sets it) or {@code -Ddbmq.pg.require=true}, a server that
 * does not answer fails the test instead. Tagged {@code postgres}: {@code mvn -B verify -Dgroups=postgres} runs only
 * these.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("postgres")
@ExtendWith(NeedsPostgres.Condition.class)
public @interface NeedsPostgres {

    /** Asks the server once per JVM: a connection, with a generous timeout (a busy machine is not a missing one). */
    final class Condition implements ExecutionCondition {

        private static String unavailable; // null until asked; "" when the server answered
        private static final int CONNECT_TIMEOUT_SECONDS = 20;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = unavailable();
            if (why.isEmpty()) {
                return ConditionEvaluationResult.enabled("PostgreSQL answered at " + where());
            }
            String message = "needs PostgreSQL at " + where() + " (trust auth; -Ddbmq.pg.host, .port, .database and"
                    + " .user point elsewhere), and none answered: " + why.replaceAll("[.\\s]+$", "");
            if (required()) {
                throw new IllegalStateException(message + ". DBMQ_REQUIRE_POSTGRES (or -Ddbmq.pg.require) is set, as"
                        + " in CI: a missing server is a failure here");
            }
            return ConditionEvaluationResult.disabled(message + ". Skipped; set DBMQ_REQUIRE_POSTGRES=1 to make this"
                    + " a failure");
        }

        static boolean required() {
            String env = System.getenv("DBMQ_REQUIRE_POSTGRES");
            boolean byEnv = env != null && !env.isBlank() && !env.equals("0")
                    && !env.toLowerCase(Locale.ROOT).equals("false");
            return byEnv || Boolean.getBoolean("dbmq.pg.require");
        }

        private static String where() {
            return System.getProperty("dbmq.pg.host", "127.0.0.1") + ":" + Integer.getInteger("dbmq.pg.port", 5432)
                    + ", database " + PostgresSupport.database() + ", user "
                    + System.getProperty("dbmq.pg.user", "postgres");
        }

        /** "" when the server answered, else why not. */
        static synchronized String unavailable() {
            if (unavailable == null) {
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
                pg.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
                pg.setDatabaseName(PostgresSupport.database());
                pg.setUser(System.getProperty("dbmq.pg.user", "postgres"));
                pg.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
                pg.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
                try (Connection c = pg.getConnection()) {
                    unavailable = c.isValid(CONNECT_TIMEOUT_SECONDS) ? "" : "the connection was not valid";
                } catch (Exception e) {
                    unavailable = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            return unavailable;
        }
    }
}
