package dev.dbmq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Foreman;
import dev.dbmq.ForemanListener;
import dev.dbmq.Schedule;
import dev.dbmq.Task;
import dev.dbmq.TaskEvent;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The starter on its default backend, embedded SQLite, as an application's context sees it. */
@Tag("smoke") // one of the few CI runs again on the newest JDK
class SqliteAutoConfigurationTest {

    record Greet(String name) {
    }

    static final Task<Greet> GREET = Task.of("greet", Greet.class);

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    static class GreetHandler {
        @Bean
        Ran ran() {
            return new Ran();
        }

        @Bean
        TaskHandlerBean<Greet> greetHandler(Ran ran) {
            return TaskHandlerBean.of(GREET, g -> ran.add(g.name() + " on " + Thread.currentThread().getName()));
        }
    }

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class,
                        DbmqActuatorAutoConfiguration.class))
                .withPropertyValues("dbmq.sqlite.path=" + dir.resolve("queue.db"));
    }

    @Test
    void a_handler_bean_runs_what_is_enqueued_on_the_queue_at_dbmq_sqlite_path() {
        // no backstop poll within the test: the enqueue itself must wake (or hand over to) the foreman
        runner().withUserConfiguration(GreetHandler.class).withPropertyValues("dbmq.foreman.poll-interval=1h")
                .run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TaskQueue.class).hasSingleBean(ForemanLifecycle.class);
            TaskQueue queue = context.getBean(TaskQueue.class);
            assertEquals(dir.resolve("queue.db"), queue.settings().databaseFile());
            assertTrue(Files.exists(dir.resolve("queue.db")));
            context.getBean(TransactionalTaskQueue.class).enqueue(GREET, new Greet("ada"));
            // the JVM's first foreman names its workers dbmq-worker-N, its second dbmq2-worker-N, …
            assertThat(context.getBean(Ran.class).next()).matches("ada on dbmq[0-9]*-worker-[0-9]+");
            assertEquals(Foreman.State.RUNNING, context.getBean(ForemanLifecycle.class).foreman().state());
        });
    }

    @Test
    void closing_the_context_stops_the_foreman_and_closes_the_queue() {
        ForemanLifecycle[] lifecycle = new ForemanLifecycle[1];
        runner().withUserConfiguration(GreetHandler.class).run(context -> {
            lifecycle[0] = context.getBean(ForemanLifecycle.class);
            assertTrue(lifecycle[0].isRunning());
        });
        assertEquals(Foreman.State.STOPPED, lifecycle[0].foreman().state());
        // the lock is free again: a second context on the same file starts its foreman
        runner().withUserConfiguration(GreetHandler.class).run(context -> assertThat(context).hasNotFailed());
    }

    /** A lane from the properties: its task runs on its own workers ("dbmq-…-worker-N" beyond the default lane's). */
    @Test
    void lanes_come_from_the_properties() {
        runner().withUserConfiguration(BulkHandler.class)
                .withPropertyValues("dbmq.foreman.workers=1", "dbmq.foreman.lanes.bulk=2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Set<String> threads = new java.util.TreeSet<>();
                    Thread.getAllStackTraces().keySet().forEach(t -> threads.add(t.getName()));
                    assertTrue(threads.stream().anyMatch(n -> n.endsWith("-foreman-bulk")), threads.toString());
                });
        runner().withUserConfiguration(BulkHandler.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("task bulk-greet is in lane bulk, which has no workers here"));
        runner().withUserConfiguration(BulkHandler.class).withPropertyValues("dbmq.foreman.lanes.bulk=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbmq.foreman.lanes.bulk").hasMessageContaining("between 1 and 1024"));
    }

    @Configuration(proxyBeanMethods = false)
    static class BulkHandler {
        @Bean
        TaskHandlerBean<Greet> bulkGreet() {
            return TaskHandlerBean.of(Task.of("bulk-greet", Greet.class).lane("bulk"), g -> { });
        }
    }

    @Test
    void a_property_the_core_refuses_fails_the_start_naming_it() {
        runner().withUserConfiguration(GreetHandler.class).withPropertyValues("dbmq.foreman.workers=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbmq.foreman.workers").hasMessageContaining("between 1 and 1024"));
        runner().withUserConfiguration(GreetHandler.class).withPropertyValues("dbmq.sqlite.busy-timeout=20m")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbmq.sqlite.busy-timeout").hasMessageContaining("10 minutes"));
    }

    @Test
    void without_a_handler_bean_the_start_fails_unless_the_foreman_is_disabled() {
        runner().run(context -> assertThat(context).getFailure().rootCause()
                .hasMessageContaining("no TaskHandlerBean").hasMessageContaining("dbmq.foreman.enabled=false"));
        runner().withPropertyValues("dbmq.foreman.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ForemanLifecycle.class);
            TaskQueue queue = context.getBean(TaskQueue.class);
            queue.enqueue(GREET, new Greet("later"));
            assertEquals(1, queue.pending(), "an enqueue-only node: the task waits for a foreman elsewhere");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class SecondGreetHandler {
        @Bean
        TaskHandlerBean<Greet> otherGreetHandler() {
            return TaskHandlerBean.of(GREET, g -> { });
        }
    }

    @Test
    void two_handler_beans_for_one_task_fail_the_start_naming_both() {
        runner().withUserConfiguration(GreetHandler.class, SecondGreetHandler.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("greetHandler").hasMessageContaining("otherGreetHandler")
                        .hasMessageContaining("greet"));
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenersAndCustomizer {
        final List<String> succeeded = new CopyOnWriteArrayList<>();

        @Bean
        ForemanListener throwingListener() {
            return new ForemanListener() {
                @Override
                public void taskSucceeded(TaskEvent.Succeeded e) {
                    throw new IllegalStateException("a listener bean that throws");
                }
            };
        }

        @Bean
        ForemanListener recordingListener(Ran ran) {
            return new ForemanListener() {
                @Override
                public void taskSucceeded(TaskEvent.Succeeded e) {
                    ran.add("succeeded " + e.taskName());
                }
            };
        }

        @Bean
        ForemanCustomizer namedThreads() {
            return builder -> builder.workerThreadFactory(r -> new Thread(r, "app-worker"));
        }
    }

    @Test
    void listener_beans_and_customizer_beans_apply_to_the_foreman() throws Exception {
        runner().withUserConfiguration(GreetHandler.class, ListenersAndCustomizer.class).run(context -> {
            context.getBean(TaskQueue.class).enqueue(GREET, new Greet("bo"));
            Ran ran = context.getBean(Ran.class);
            assertEquals("bo on app-worker", ran.next());
            assertEquals("succeeded greet", ran.next(), "told, though the listener bean before it threw");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Hourly {
        @Bean
        RecurringTaskBean<Greet> hourlyGreeting() {
            return RecurringTaskBean.of("hourly-greeting", Schedule.every(Duration.ofHours(1)), GREET,
                    new Greet("everyone"));
        }
    }

    @Test
    void a_recurring_task_bean_is_scheduled_and_needs_a_handler() {
        runner().withUserConfiguration(GreetHandler.class, Hourly.class).run(context -> {
            assertThat(context).hasNotFailed();
            RecurringTaskBean<Greet> hourly = new Hourly().hourlyGreeting();
            Greet args = hourly.args(); // typed: no cast
            assertEquals(new Greet("everyone"), args);
            assertEquals(GREET, hourly.task());
            var stats = context.getBean(TaskQueue.class).stats();
            assertEquals(1, stats.scheduled(), "its first instance is written at start");
            assertEquals(Map.of("greet", 1L), stats.pendingByName());
        });
        runner().withUserConfiguration(Hourly.class).withPropertyValues("dbmq.foreman.enabled=true")
                .withBean("otherHandler", TaskHandlerBean.class, () -> TaskHandlerBean.of(
                        Task.of("other", Greet.class), g -> { }))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("hourlyGreeting").hasMessageContaining("greet"));
    }

    /**
     * On SQLite the queue can't join the application's transaction (it is a database of its own): the enqueue commits
     * at once, and the first one inside a Spring transaction says so at WARN, once; outside one there is nothing to
     * say.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void on_sqlite_an_enqueue_in_a_spring_transaction_commits_at_once_and_warns_once(CapturedOutput output) {
        String warning = "TransactionalTaskQueue.enqueue ran inside a Spring transaction, but is not part of it";
        TransactionTemplate appTx = new TransactionTemplate(new DataSourceTransactionManager(
                new DriverManagerDataSource("jdbc:sqlite:" + dir.resolve("app.db"))));
        runner().withPropertyValues("dbmq.foreman.enabled=false").run(context -> {
            TransactionalTaskQueue tasks = context.getBean(TransactionalTaskQueue.class);
            tasks.enqueue(GREET, new Greet("outside"));
            assertThat(output.getAll()).doesNotContain(warning);
            appTx.executeWithoutResult(status -> {
                tasks.enqueue(GREET, new Greet("inside 1"));
                tasks.enqueue(GREET, new Greet("inside 2"));
                assertEquals(3, tasks.queue().pending(), "committed at once, before the transaction ends");
                status.setRollbackOnly();
            });
            appTx.executeWithoutResult(status -> tasks.enqueue(GREET, new Greet("inside 3")));
            assertEquals(4, tasks.queue().pending(), "the rollback undid nothing");
            String log = output.getAll();
            assertEquals(1, log.split(java.util.regex.Pattern.quote(warning), -1).length - 1, log);
            assertThat(log).contains("WARN").contains(dir.resolve("queue.db").toString())
                    .contains("dbmq.backend=postgres");
        });
    }

    static final Task<Greet> UNHANDLED = Task.of("handled-elsewhere", Greet.class);

    /** A node that only enqueues, e.g. the web tier: its health is not the workers' backlog. */
    @Test
    void health_on_a_node_that_only_enqueues_stays_up_whatever_the_backlog() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));
        for (String maxOldestAge : List.of("", "30s")) {
            runner().withPropertyValues("dbmq.foreman.enabled=false",
                            "dbmq.sqlite.path=" + dir.resolve("enqueue-only" + maxOldestAge + ".db"))
                    .withPropertyValues(maxOldestAge.isEmpty() ? new String[0]
                            : new String[] {"dbmq.health.max-oldest-age=" + maxOldestAge})
                    .withBean(QueueSettingsCustomizer.class, () -> settings -> settings.clock(clock))
                    .run(context -> {
                        DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
                        context.getBean(TaskQueue.class).enqueue(GREET, new Greet("waiting"));
                        clock.advance(Duration.ofDays(1));
                        Health up = health.health(true);
                        assertEquals(Status.UP, up.getStatus(), up.toString());
                        assertEquals(1L, up.getDetails().get("pending"));
                        assertEquals("PT24H", up.getDetails().get("oldestTaskAge"));
                        assertEquals("DISABLED", up.getDetails().get("foreman"));
                        if (maxOldestAge.isEmpty()) {
                            assertThat(up.getDetails()).doesNotContainKeys("note", "maxOldestAge");
                        } else {
                            assertThat(up.getDetails().get("note").toString()).contains("PT24H")
                                    .contains("dbmq.health.max-oldest-age (PT30S)").contains("runs no foreman");
                        }
                    });
        }
    }

    /**
     * On a node that runs a foreman, a backlog makes it DOWN only when dbmq.health.max-oldest-age is set. The
     * backlog is a task no handler here runs, so the running foreman leaves it waiting.
     */
    @Test
    void the_backlog_rule_is_opt_in_and_applies_where_a_foreman_runs() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));
        runner().withUserConfiguration(GreetHandler.class)
                .withBean(QueueSettingsCustomizer.class, () -> settings -> settings.clock(clock))
                .run(context -> {
                    context.getBean(TaskQueue.class).enqueue(UNHANDLED, new Greet("elsewhere"));
                    clock.advance(Duration.ofDays(1));
                    Health up = context.getBean(DbmqHealthIndicator.class).health(true);
                    assertEquals(Status.UP, up.getStatus(), "no backlog rule by default: " + up);
                    assertEquals("PT24H", up.getDetails().get("oldestTaskAge"));
                    assertEquals("RUNNING", up.getDetails().get("foreman"));
                });
        runner().withUserConfiguration(GreetHandler.class)
                .withPropertyValues("dbmq.health.max-oldest-age=30s", "dbmq.sqlite.path=" + dir.resolve("rule.db"))
                .withBean(QueueSettingsCustomizer.class, () -> settings -> settings.clock(clock))
                .run(context -> {
                    DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
                    context.getBean(TaskQueue.class).enqueue(UNHANDLED, new Greet("elsewhere"));
                    clock.advance(Duration.ofSeconds(30));
                    Health up = health.health(true);
                    assertEquals(Status.UP, up.getStatus(), up.toString());
                    assertEquals("PT30S", up.getDetails().get("maxOldestAge"));
                    clock.advance(Duration.ofMillis(1));
                    Health down = health.health(true);
                    assertEquals(Status.DOWN, down.getStatus());
                    assertThat(down.getDetails().get("reason").toString())
                            .contains("dbmq.health.max-oldest-age").contains("PT30.001S");
                });
    }

    @Test
    void health_is_down_when_the_queues_database_cannot_be_read() {
        runner().withPropertyValues("dbmq.foreman.enabled=false").run(context -> {
            DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
            assertEquals(Status.UP, health.health(true).getStatus());
            context.getBean(TaskQueue.class).close();
            Health down = health.health(true);
            assertEquals(Status.DOWN, down.getStatus());
            assertThat(down.getDetails().get("error").toString()).contains("closed");
        });
    }

    /** Only FAILED is DOWN ({@link DbmqHealthIndicatorTest} has the table); a stopped foreman is in the details. */
    @Test
    void health_reports_the_foremans_state_and_a_stopped_foreman_is_not_down() {
        runner().withUserConfiguration(GreetHandler.class).run(context -> {
            DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
            assertEquals(Status.UP, health.health(true).getStatus());
            assertEquals("RUNNING", health.health(true).getDetails().get("foreman"));
            context.getBean(ForemanLifecycle.class).stop();
            Health stopped = health.health(true);
            assertEquals(Status.UP, stopped.getStatus(), stopped.toString());
            assertEquals("STOPPED", stopped.getDetails().get("foreman"));
        });
    }

    @Test
    void a_max_oldest_age_that_is_not_positive_fails_the_start_naming_it() {
        runner().withPropertyValues("dbmq.foreman.enabled=false", "dbmq.health.max-oldest-age=0s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dbmq.health.max-oldest-age").hasMessageContaining("positive"));
    }

    @Test
    void info_names_the_queue_and_the_foreman() {
        runner().withUserConfiguration(GreetHandler.class).withPropertyValues("dbmq.foreman.workers=3")
                .run(context -> {
                    Info.Builder builder = new Info.Builder();
                    context.getBean(DbmqInfoContributor.class).contribute(builder);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> dbmq = (Map<String, Object>) builder.build().get("dbmq");
                    assertEquals("sqlite", dbmq.get("backend"));
                    assertEquals(dir.resolve("queue.db").toString(), dbmq.get("file"));
                    @SuppressWarnings("unchecked")
                    Map<String, Object> foreman = (Map<String, Object>) dbmq.get("foreman");
                    assertEquals(true, foreman.get("enabled"));
                    assertEquals(3, foreman.get("workers"));
                    assertEquals("RUNNING", foreman.get("state"));
                    assertEquals(context.getBean(ForemanLifecycle.class).foreman().id(), foreman.get("id"));
                });
    }

    @Test
    void the_health_indicator_and_info_contributor_can_be_switched_off() {
        runner().withUserConfiguration(GreetHandler.class)
                .withPropertyValues("management.health.dbmq.enabled=false", "management.info.dbmq.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DbmqHealthIndicator.class)
                        .doesNotHaveBean(DbmqInfoContributor.class));
    }
}
