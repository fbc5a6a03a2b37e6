package dev.dbmq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.EnqueueInterceptor;
import dev.dbmq.ForemanListener;
import dev.dbmq.Task;
import dev.dbmq.TaskEvent;
import dev.dbmq.TaskInterceptor;
import dev.dbmq.TaskQueue;
import dev.dbmq.opentelemetry.QueueTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * With an {@link OpenTelemetry} bean, the starter traces enqueues and handlers (queue-opentelemetry), outermost of
 * the application's own interceptor beans; without one, or without OpenTelemetry on the classpath, it doesn't.
 */
class TracingAutoConfigurationTest {

    record Ping(int n) {
    }

    static final Task<Ping> PING = Task.of("ping", Ping.class);

    @TempDir
    Path dir;
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final Ran ran = new Ran();

    OpenTelemetry otel() {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class,
                        DbmqTracingAutoConfiguration.class))
                .withPropertyValues("dbmq.sqlite.path=" + dir.resolve("queue.db"))
                .withBean("pingHandler", TaskHandlerBean.class, () -> TaskHandlerBean.of(PING, p ->
                        ran.add("handler in trace " + Span.current().getSpanContext().getTraceId())))
                .withBean("appTaskInterceptor", TaskInterceptor.class, () -> task -> {
                    ran.add("app interceptor sees a span: " + Span.current().getSpanContext().isValid());
                    task.proceed();
                })
                .withBean("appEnqueueInterceptor", EnqueueInterceptor.class, () -> enqueue -> {
                    enqueue.putMetadata("tenant", "acme");
                    enqueue.proceed();
                })
                .withBean("ended", ForemanListener.class, () -> new ForemanListener() {
                    @Override
                    public void taskSucceeded(TaskEvent.Succeeded e) {
                        ran.add("succeeded");
                    }
                });
    }

    @Test
    void with_an_opentelemetry_bean_the_handler_runs_in_a_child_of_the_enqueues_span() throws Exception {
        runner().withBean(OpenTelemetry.class, this::otel).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(QueueTracing.class);
            OpenTelemetry otel = context.getBean(OpenTelemetry.class);
            Span request = otel.getTracer("app").spanBuilder("request").startSpan();
            try (Scope s = request.makeCurrent()) {
                context.getBean(TaskQueue.class).enqueue(PING, new Ping(1));
            } finally {
                request.end();
            }
            assertEquals("app interceptor sees a span: true", ran.next(), "tracing is the outermost interceptor");
            assertEquals("handler in trace " + request.getSpanContext().getTraceId(), ran.next());
            assertEquals("succeeded", ran.next());
            List<SpanData> spans = exporter.getFinishedSpanItems();
            SpanData send = spans.stream().filter(x -> x.getName().equals("send ping")).findFirst().orElseThrow();
            SpanData process = spans.stream().filter(x -> x.getName().equals("process ping")).findFirst()
                    .orElseThrow();
            assertEquals(request.getSpanContext().getSpanId(), send.getParentSpanId());
            assertEquals(send.getSpanId(), process.getParentSpanId());
        });
    }

    @Test
    void without_an_opentelemetry_bean_or_with_tracing_disabled_nothing_is_traced_and_interceptor_beans_still_run()
            throws Exception {
        runner().run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(QueueTracing.class);
            context.getBean(TaskQueue.class).enqueue(PING, new Ping(1));
            assertEquals("app interceptor sees a span: false", ran.next());
            ran.next();
            assertEquals("succeeded", ran.next());
        });
        runner().withBean(OpenTelemetry.class, this::otel).withPropertyValues("dbmq.tracing.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(QueueTracing.class));
        assertEquals(List.of(), exporter.getFinishedSpanItems());
    }

    @Test
    void without_opentelemetry_on_the_classpath_the_rest_works() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DbmqAutoConfiguration.class,
                        DbmqTracingAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.opentelemetry"))
                .withPropertyValues("dbmq.sqlite.path=" + dir.resolve("queue.db"))
                .withBean("pingHandler", TaskHandlerBean.class, () -> TaskHandlerBean.of(PING, p -> { }))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ForemanLifecycle.class)
                        .doesNotHaveBean("dbmqQueueTracing"));
    }
}
