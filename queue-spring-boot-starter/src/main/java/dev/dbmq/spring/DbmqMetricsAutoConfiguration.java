package dev.dbmq.spring;

import dev.dbmq.TaskQueue;
import dev.dbmq.micrometer.ForemanMetrics;
import dev.dbmq.micrometer.QueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * dbmq's Micrometer meters (queue-micrometer) when the application has a {@link MeterRegistry} (Actuator): the
 * queue's gauges as a {@code MeterBinder} bean, which Boot binds, and the foreman's timers and counters as a
 * {@code ForemanListener} bean, which the foreman picks up.
 */
@AutoConfiguration(after = DbmqAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean({MeterRegistry.class, TaskQueue.class})
public class DbmqMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public QueueMetrics dbmqQueueMetrics(TaskQueue queue) {
        return new QueueMetrics(queue);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "dbmq.foreman", name = "enabled", matchIfMissing = true)
    public ForemanMetrics dbmqForemanMetrics(MeterRegistry registry, TaskQueue queue) {
        return new ForemanMetrics(registry, queue.settings().clock());
    }
}
