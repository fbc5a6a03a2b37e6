package dev.dbmq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.micrometer.ForemanMetrics;
import dev.dbmq.micrometer.QueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With Micrometer (Actuator's metrics auto-configuration), the starter registers queue-micrometer's meters. */
class MetricsAutoConfigurationTest {

    record Ping(int n) {
    }

    static final Task<Ping> PING = Task.of("ping", Ping.class);

    @TempDir
    Path dir;

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        DbmqAutoConfiguration.class, DbmqMetricsAutoConfiguration.class))
                .withPropertyValues("dbmq.sqlite.path=" + dir.resolve("queue.db"))
                .withBean("pingHandler", TaskHandlerBean.class, () -> TaskHandlerBean.of(PING, p -> { }));
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000); // polling a condition with a deadline, not a fixed wait
        }
    }

    @Test
    void the_foremans_and_the_queues_meters_are_in_the_applications_registry() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(QueueMetrics.class).hasSingleBean(ForemanMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(TaskQueue.class).enqueue(PING, new Ping(1));
            await(() -> registry.find("dbmq.task.run").tags("task", "ping", "outcome", "success").timer() != null
                    && registry.find("dbmq.task.run").tags("task", "ping", "outcome", "success").timer().count() == 1,
                    "the run to be timed");
            assertEquals(1, registry.get("dbmq.task.wait").tag("task", "ping").timer().count());
            assertEquals(0.0, registry.get("dbmq.tasks.oldest.age").timeGauge().value(), "bound by Boot");
        });
    }

    @Test
    void without_micrometer_on_the_classpath_there_are_no_meters_and_the_rest_works() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class,
                        DbmqMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .withPropertyValues("dbmq.sqlite.path=" + dir.resolve("queue.db"))
                .withBean("pingHandler", TaskHandlerBean.class, () -> TaskHandlerBean.of(PING, p -> { }))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ForemanLifecycle.class)
                        .doesNotHaveBean("dbmqQueueMetrics").doesNotHaveBean("dbmqForemanMetrics"));
    }

    @Test
    void an_enqueue_only_node_has_the_queues_gauges_but_no_foreman_meters() {
        runner().withPropertyValues("dbmq.foreman.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(QueueMetrics.class)
                        .doesNotHaveBean(ForemanMetrics.class));
    }
}
