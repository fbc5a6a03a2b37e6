package dev.dbmq.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.NeedsPostgres;
import dev.dbmq.PostgresSupport;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import dev.dbmq.TestTasks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool of one connection can't serve dbmq: a foreman's LISTEN takes it for good, so nothing ran and every enqueue
 * of that JVM waited out the pool's timeout while the foreman said RUNNING; a new schema could not even be migrated.
 * Such a pool is refused, with real HikariCP pools against the tests' server; two connections work.
 */
@NeedsPostgres
class PoolTooSmallTest {

    String schema;

    @BeforeEach
    void newSchema() {
        schema = PostgresSupport.newSchema("dbmq_pool");
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (HikariDataSource admin = PostgresSupport.pool(1)) {
            PostgresSupport.dropSchema(admin, schema);
        }
    }

    @Test
    void a_queue_on_a_pool_of_one_connection_is_refused_at_open_and_nothing_is_created() throws Exception {
        try (HikariDataSource pool = PostgresSupport.pool(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build()));
            assertTrue(e.getMessage().startsWith("cannot open the queue on a pool of at most 1 connection"
                    + " (HikariDataSource.getMaximumPoolSize() = 1): dbmq needs at least 2."), e.getMessage());
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '"
                         + schema + "'")) { // the name is ours
                rs.next();
                assertEquals(0, rs.getInt(1), "schema created");
            }
        }
    }

    @Test
    void a_foreman_on_a_pool_shrunk_to_one_connection_is_refused_at_start() {
        try (HikariDataSource pool = PostgresSupport.pool(2);
             TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
            pool.getHikariConfigMXBean().setMaximumPoolSize(1); // at run time, as through JMX
            Foreman.Builder builder = Foreman.builder(queue).stopOnShutdown(false).handle(TestTasks.ECHO, a -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class, builder::start);
            assertTrue(e.getMessage().startsWith("cannot start a foreman on a pool of at most 1 connection"
                    + " (HikariDataSource.getMaximumPoolSize() = 1): dbmq needs at least 2."), e.getMessage());
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1)); // nothing left holding the connection
            assertEquals(1, queue.pending());
        }
    }

    /** The minimum is real: LISTEN on one connection, claims and enqueues taking turns on the other. */
    @Test
    void a_foreman_and_its_producer_on_a_pool_of_two_connections_run_every_task() throws Exception {
        int tasks = 50;
        CountDownLatch ran = new CountDownLatch(tasks);
        try (HikariDataSource pool = PostgresSupport.pool(2);
             TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
             Foreman foreman = Foreman.builder(queue).stopOnShutdown(false).workers(4).pollInterval(Duration.ofHours(1))
                     .handle(TestTasks.ECHO, a -> ran.countDown()).start()) {
            for (int i = 0; i < tasks; i++) {
                queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(i));
            }
            assertTrue(ran.await(60, TimeUnit.SECONDS), ran.getCount() + " of " + tasks + " tasks did not run");
            assertEquals(Foreman.State.RUNNING, foreman.state());
        }
    }
}
