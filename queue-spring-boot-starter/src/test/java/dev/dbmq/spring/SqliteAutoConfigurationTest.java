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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
                .withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class, DbmqActuatorConfiguration.class))
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
            assertThat(context.getBean(Ran.class).next()).startsWith("ada on dbmq-worker-");
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
        RecurringTaskBean hourlyGreeting() {
            return RecurringTaskBean.of("hourly-greeting", Schedule.every(Duration.ofHours(1)), GREET,
                    new Greet("everyone"));
        }
    }

    @Test
    void a_recurring_task_bean_is_scheduled_and_needs_a_handler() {
        runner().withUserConfiguration(GreetHandler.class, Hourly.class).run(context -> {
            assertThat(context).hasNotFailed();
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

    @Test
    void health_is_up_with_the_queue_in_its_details_and_down_when_the_oldest_task_waits_too_long() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));
        runner().withPropertyValues("dbmq.foreman.enabled=false", "dbmq.health.max-oldest-age=30s")
                .withBean(QueueSettingsCustomizer.class, () -> settings -> settings.clock(clock))
                .run(context -> {
                    DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
                    context.getBean(TaskQueue.class).enqueue(GREET, new Greet("waiting"));
                    clock.advance(Duration.ofSeconds(30));
                    Health up = health.health(true);
                    assertEquals(Status.UP, up.getStatus(), up.toString());
                    assertEquals(1L, up.getDetails().get("pending"));
                    assertEquals("PT30S", up.getDetails().get("oldestTaskAge"));
                    clock.advance(Duration.ofMillis(1));
                    Health down = health.health(true);
                    assertEquals(Status.DOWN, down.getStatus());
                    assertThat(down.getDetails().get("reason").toString())
                            .contains("dbmq.health.max-oldest-age").contains("PT30.001S");
                });
    }

    @Test
    void health_is_down_when_the_applications_foreman_is_not_running() {
        runner().withUserConfiguration(GreetHandler.class).run(context -> {
            DbmqHealthIndicator health = context.getBean(DbmqHealthIndicator.class);
            assertEquals(Status.UP, health.health(true).getStatus());
            assertEquals("RUNNING", health.health(true).getDetails().get("foreman"));
            context.getBean(ForemanLifecycle.class).stop();
            Health down = health.health(true);
            assertEquals(Status.DOWN, down.getStatus());
            assertThat(down.getDetails().get("reason").toString()).contains("STOPPED");
        });
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
