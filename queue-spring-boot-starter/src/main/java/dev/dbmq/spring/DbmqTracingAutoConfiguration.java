package dev.dbmq.spring;

import dev.dbmq.EnqueueInterceptor;
import dev.dbmq.TaskInterceptor;
import dev.dbmq.opentelemetry.QueueTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * dbmq's OpenTelemetry tracing (queue-opentelemetry) when the application has an {@link OpenTelemetry} bean (Spring
 * Boot's {@code spring-boot-starter-opentelemetry}, OpenTelemetry's own starter, or the application's): a producer
 * span per enqueue, the handler's span its child. Its interceptors are ordered first, so they are the outermost and
 * any other interceptor bean runs inside the spans. {@code dbmq.tracing.enabled=false} turns it off.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
        "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"})
@ConditionalOnClass(name = {"io.opentelemetry.api.OpenTelemetry", "dev.dbmq.opentelemetry.QueueTracing"})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnProperty(prefix = "dbmq.tracing", name = "enabled", matchIfMissing = true)
public class DbmqTracingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public QueueTracing dbmqQueueTracing(OpenTelemetry openTelemetry) {
        return QueueTracing.create(openTelemetry);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public EnqueueInterceptor dbmqTracingEnqueueInterceptor(QueueTracing tracing) {
        return tracing.enqueueInterceptor();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public TaskInterceptor dbmqTracingTaskInterceptor(QueueTracing tracing) {
        return tracing.taskInterceptor();
    }
}
