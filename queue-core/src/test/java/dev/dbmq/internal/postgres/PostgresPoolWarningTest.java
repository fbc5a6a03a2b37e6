package dev.dbmq.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.NeedsPostgres;
import dev.dbmq.PostgresSupport;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import dev.dbmq.TestTasks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A DataSource that opens a connection per use makes every statement pay a new server connection (71 tasks/s against
 * 2,419/s with HikariCP): the queue says so once, at open, in its log.
 */
@NeedsPostgres
class PostgresPoolWarningTest {

    static PGSimpleDataSource plain() {
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setServerNames(new String[] {System.getProperty("dbmq.pg.host", "127.0.0.1")});
        plain.setPortNumbers(new int[] {Integer.getInteger("dbmq.pg.port", 5432)});
        plain.setDatabaseName(PostgresSupport.database());
        plain.setUser(System.getProperty("dbmq.pg.user", "postgres"));
        return plain;
    }

    @Test
    void a_plain_pgsimpledatasource_is_warned_about_once_naming_its_class_and_what_to_use() throws Exception {
        String log = logOf(plain());
        assertTrue(log.contains("WARN"), log);
        assertTrue(log.contains("org.postgresql.ds.PGSimpleDataSource"), "names the class: " + log);
        assertTrue(log.contains("connection pool") && log.contains("HikariCP"), "says what to use: " + log);
        assertTrue(log.indexOf("PGSimpleDataSource") == log.lastIndexOf("PGSimpleDataSource"), "once: " + log);
    }

    @Test
    void a_hikari_pool_is_not_warned_about() throws Exception {
        try (HikariDataSource pool = PostgresSupport.pool(2)) {
            String log = logOf(pool);
            assertFalse(log.contains("connection pool"), log);
            assertFalse(log.contains("WARN"), log);
        }
    }

    /** What the queue logs (slf4j-simple writes to System.err) while it opens, is used, and closes. */
    private static String logOf(DataSource dataSource) throws Exception {
        String schema = PostgresSupport.newSchema("poolwarn");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(dataSource).schema(schema).build())) {
            for (int i = 0; i < 3; i++) {
                queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(i));
            }
        } finally {
            System.setErr(original);
            PostgresSupport.dropSchema(dataSource, schema);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    @Test
    void a_data_source_of_an_unknown_class_that_opens_a_connection_each_time_is_found_by_its_speed() throws Exception {
        PGSimpleDataSource plain = plain();
        DataSource disguised = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(plain, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        String log = logOf(disguised);
        assertTrue(log.contains("WARN") && log.contains(disguised.getClass().getName())
                && log.contains("seems not to pool connections"), log);
    }

    /** Named as Spring's and c3p0's DriverManager adapters are: matched by simple name, in any package. */
    abstract static class DriverManagerDataSource implements DataSource {
    }

    abstract static class ItsSubclass extends DriverManagerDataSource {
    }

    @Test
    void known_non_pooling_classes_are_matched_by_name_and_through_subclasses() {
        assertTrue(PostgresDatabase.isKnownNonPooling(PGSimpleDataSource.class));
        assertTrue(PostgresDatabase.isKnownNonPooling(ItsSubclass.class));
        assertFalse(PostgresDatabase.isKnownNonPooling(HikariDataSource.class));
    }
}
