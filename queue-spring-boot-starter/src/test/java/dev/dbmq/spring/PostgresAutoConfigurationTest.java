package dev.dbmq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.Task;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskQueue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The starter with {@code dbmq.backend=postgres}, on the machine's PostgreSQL (127.0.0.1:5432, database {@code test},
 * trust auth), through Spring Boot's own DataSource, transaction manager and Flyway auto-configuration; the class
 * works in a schema of its own.
 */
@NeedsPostgres
class PostgresAutoConfigurationTest {

    record Mail(String to) {
    }

    static final Task<Mail> MAIL = Task.of("mail", Mail.class);
    static final String URL = "jdbc:postgresql://" + System.getProperty("dbmq.pg.host", "127.0.0.1") + ":"
            + Integer.getInteger("dbmq.pg.port", 5432) + "/" + System.getProperty("dbmq.pg.database", "test");
    static final String USER = System.getProperty("dbmq.pg.user", "postgres");
    static final String SCHEMA = "dbmq_spring_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);

    @Configuration(proxyBeanMethods = false)
    static class MailHandler {
        @Bean
        Ran ran() {
            return new Ran();
        }

        @Bean
        TaskHandlerBean<Mail> mailHandler(Ran ran) {
            return TaskHandlerBean.of(MAIL, m -> ran.add(m.to()));
        }
    }

    static DataSource admin() {
        return new DriverManagerDataSource(URL, USER, "");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = admin().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + "_shared CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + "_tx CASCADE");
        }
    }

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
                        FlywayAutoConfiguration.class, DbmqAutoConfiguration.class,
                        DbmqActuatorAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + URL, "spring.datasource.username=" + USER,
                        "spring.flyway.schemas=" + SCHEMA, "spring.flyway.default-schema=" + SCHEMA,
                        "dbmq.backend=postgres", "dbmq.postgres.schema=" + SCHEMA);
    }

    @Test
    void a_handler_bean_runs_tasks_on_the_applications_datasource_beside_the_applications_own_flyway() {
        // a fresh schema shared by both (as public is by default): the application's Flyway must run first, since
        // it refuses a non-empty schema without its history
        String shared = SCHEMA + "_shared";
        runner().withUserConfiguration(MailHandler.class).withPropertyValues("spring.flyway.schemas=" + shared,
                "spring.flyway.default-schema=" + shared, "dbmq.postgres.schema=" + shared).run(context -> {
            assertThat(context).hasNotFailed();
            TaskQueue queue = context.getBean(TaskQueue.class);
            assertEquals(shared, queue.settings().schema());
            queue.enqueue(MAIL, new Mail("ada@example.com"));
            assertEquals("ada@example.com", context.getBean(Ran.class).next());
            // Boot's Flyway migrated the application's scripts only (dbmq's are not under db/migration), each in
            // its own history table
            try (Connection c = context.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version FROM " + shared + ".flyway_schema_history"
                         + " WHERE version IS NOT NULL")) {
                List<String> versions = new java.util.ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
                assertEquals(List.of("1"), versions, "the application's V1 only");
            }
        });
    }

    @Test
    void an_enqueue_in_a_spring_transaction_exists_only_if_it_commits_and_its_commit_wakes_the_foreman() {
        // no backstop poll within the test: only the commit's NOTIFY can wake the idle foreman
        runner().withUserConfiguration(MailHandler.class).withPropertyValues("dbmq.foreman.poll-interval=1h")
                .run(context -> {
            TransactionalTaskQueue tasks = context.getBean(TransactionalTaskQueue.class);
            TaskQueue queue = tasks.queue();
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);
            Ran ran = context.getBean(Ran.class);

            tx.executeWithoutResult(status -> {
                tasks.enqueue(MAIL, new Mail("rolled-back@example.com"));
                assertEquals(0, queue.pending(), "not visible outside the transaction before it ends");
                status.setRollbackOnly();
            });
            tx.executeWithoutResult(status -> {
                tasks.enqueue(MAIL, new Mail("committed@example.com"));
                assertEquals(0, queue.pending(), "not visible outside the transaction before it ends");
            });
            // woken by the commit; the rolled-back task, enqueued first, would have run first had it existed
            assertEquals("committed@example.com", ran.next());
            assertEquals(0, queue.pending());
            assertEquals(0, ran.seen.size());
            // outside a transaction: its own
            tasks.enqueue(MAIL, new Mail("alone@example.com"));
            assertEquals("alone@example.com", ran.next());
        });
    }

    static final Task<Mail> SIGNUP = Task.of("signup", Mail.class);

    /** A handler whose run is a Spring transaction: what it enqueues commits or rolls back with it. */
    public static class SignupHandler implements TaskHandlerBean<Mail> {
        private final TransactionalTaskQueue tasks;

        public SignupHandler(TransactionalTaskQueue tasks) {
            this.tasks = tasks;
        }

        @Override
        public Task<Mail> task() {
            return SIGNUP;
        }

        @Override
        @Transactional
        public void handle(Mail args, TaskContext context) {
            tasks.enqueue(MAIL, new Mail("welcome " + args.to()));
            if (args.to().startsWith("fail")) {
                throw new IllegalStateException("the handler's transaction rolls back");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TransactionalHandler {
        @Bean
        SignupHandler signupHandler(TransactionalTaskQueue tasks) {
            return new SignupHandler(tasks);
        }
    }

    @Test
    void a_transactional_handler_beans_enqueues_roll_back_with_it() {
        // one worker: tasks run one at a time, oldest first, so a follow-up that existed would run before later ones
        // a schema of its own: it leaves a failed task, and other tasks must not meet its task names
        String own = SCHEMA + "_tx";
        runner().withUserConfiguration(MailHandler.class, TransactionalHandler.class)
                .withPropertyValues("dbmq.foreman.workers=1", "spring.flyway.schemas=" + own,
                        "spring.flyway.default-schema=" + own, "dbmq.postgres.schema=" + own).run(context -> {
                    assertThat(context.getBean(SignupHandler.class)).isNotExactlyInstanceOf(SignupHandler.class)
                            .as("proxied for @Transactional");
                    TaskQueue queue = context.getBean(TaskQueue.class);
                    Ran ran = context.getBean(Ran.class);
                    queue.enqueue(SIGNUP, new Mail("ok@example.com"));
                    assertEquals("welcome ok@example.com", ran.next());
                    long failed = queue.enqueue(SIGNUP, new Mail("fail@example.com"));
                    queue.enqueue(SIGNUP, new Mail("later@example.com"));
                    assertEquals("welcome later@example.com", ran.next(),
                            "the failed handler's follow-up was rolled back with its transaction");
                    assertEquals(List.of(failed), queue.failedTasks(10).stream().map(f -> f.id()).toList());
                });
    }

    @Test
    void an_enqueue_in_a_transaction_on_another_datasource_is_refused_and_writes_nothing() {
        runner().withUserConfiguration(MailHandler.class).withPropertyValues("dbmq.foreman.enabled=false")
                .run(context -> {
                    TransactionalTaskQueue tasks = context.getBean(TransactionalTaskQueue.class);
                    TransactionTemplate other = new TransactionTemplate(new DataSourceTransactionManager(admin()));
                    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                            other.executeWithoutResult(status -> tasks.enqueue(MAIL, new Mail("x@example.com"))));
                    assertThat(e).hasMessageContaining("not on the queue's DataSource");
                    assertEquals(0, tasks.queue().pending());
                });
    }

    /** The application's pool, noting the foreman's state when the context closes it. */
    static final class WatchedPool extends HikariDataSource {
        final List<Foreman.State> foremanAtClose = new CopyOnWriteArrayList<>();
        volatile ForemanLifecycle lifecycle;

        @Override
        public void close() {
            foremanAtClose.add(lifecycle.foreman().state());
            super.close();
        }
    }

    @Test
    void the_context_stops_the_foreman_before_it_closes_the_datasource() {
        WatchedPool pool = new WatchedPool();
        pool.setJdbcUrl(URL);
        pool.setUsername(USER);
        runner().withUserConfiguration(MailHandler.class).withBean(DataSource.class, () -> pool).run(context -> {
            pool.lifecycle = context.getBean(ForemanLifecycle.class);
            context.getBean(TaskQueue.class).enqueue(MAIL, new Mail("before-close@example.com"));
            assertEquals("before-close@example.com", context.getBean(Ran.class).next());
        });
        assertEquals(List.of(Foreman.State.STOPPED), pool.foremanAtClose);
    }

    @Test
    void postgres_without_a_datasource_fails_the_start_naming_dbmq_backend() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class))
                .withUserConfiguration(MailHandler.class).withPropertyValues("dbmq.backend=postgres")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbmq.backend").hasMessageContaining("DataSource"));
    }

    @Test
    void info_names_the_schema() {
        runner().withUserConfiguration(MailHandler.class).run(context -> {
            org.springframework.boot.actuate.info.Info.Builder b = new org.springframework.boot.actuate.info.Info.Builder();
            context.getBean(DbmqInfoContributor.class).contribute(b);
            @SuppressWarnings("unchecked")
            Map<String, Object> dbmq = (Map<String, Object>) b.build().get("dbmq");
            assertEquals("postgres", dbmq.get("backend"));
            assertEquals(SCHEMA, dbmq.get("schema"));
        });
    }
}
