package dev.dbmq.opentelemetry;

import dev.dbmq.EnqueueInterceptor;
import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry tracing for a queue: a producer span around each enqueue, whose trace context is stored with the task
 * (its {@link TaskContext#metadata() metadata}), and a consumer span around each attempt of the task's handler, a
 * child of that producer span, made current while the handler runs, so the handler's own spans nest under it. A trace
 * then reads: the request that enqueued, {@code send <task>}, and later, in whichever process ran it,
 * {@code process <task>} with the handler's work.
 *
 * <pre>{@code
 * QueueTracing tracing = QueueTracing.create(openTelemetry);
 * TaskQueue queue = TaskQueue.open(tracing.addTo(QueueSettings.sqlite(path)).build());
 * Foreman foreman = tracing.addTo(Foreman.builder(queue)).handle(DIGEST, digests::send).start();
 * }</pre>
 *
 * <p>Spans follow OpenTelemetry's messaging conventions: {@code messaging.system = dbmq}, the task name as
 * {@code messaging.destination.name}, {@code messaging.operation.type} {@code send} or {@code process}, the task id as
 * {@code messaging.message.id} (for an {@code enqueueAll}, {@code messaging.batch.message_count} instead), and
 * {@code dbmq.task.attempt} on a consumer span. A handler that throws marks its span as an error with the exception.
 * Each attempt of a retried task is a consumer span of its own, all children of the one producer span. A recurring
 * task's instances have no producer: their spans are roots.
 *
 * <p>The context is written by the application's propagators ({@link OpenTelemetry#getPropagators()}: W3C
 * {@code traceparent}/{@code tracestate}, and baggage if configured), so producer and foreman need the same ones.
 * An entry that would take a task's metadata past its limit (8192 characters, e.g. a large baggage) is left out and
 * logged; the task is enqueued all the same. A transactional enqueue's ({@code enqueue(tx, …)},
 * {@code enqueue(connection, …)}) producer span ends when its insert returns, before the application commits.
 *
 * <p>Thread-safe; one instance serves any number of queues and foremen.
 */
public final class QueueTracing {

    private static final Logger log = LoggerFactory.getLogger(QueueTracing.class);

    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "dev.dbmq";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("dbmq.task.attempt");

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private QueueTracing(OpenTelemetry openTelemetry) {
        TracerBuilder builder = openTelemetry.tracerBuilder(INSTRUMENTATION_NAME);
        String version = QueueTracing.class.getPackage().getImplementationVersion();
        if (version != null) {
            builder.setInstrumentationVersion(version);
        }
        this.tracer = builder.build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Tracing through this OpenTelemetry's tracer provider and propagators. */
    public static QueueTracing create(OpenTelemetry openTelemetry) {
        return new QueueTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** {@code settings} with {@link #enqueueInterceptor()} added: the producer side. */
    public QueueSettings.Builder addTo(QueueSettings.Builder settings) {
        return settings.enqueueInterceptor(enqueueInterceptor());
    }

    /** {@code foreman} with {@link #taskInterceptor()} added: the consumer side. */
    public Foreman.Builder addTo(Foreman.Builder foreman) {
        return foreman.interceptor(taskInterceptor());
    }

    /** The producer side: a {@code send} span around each enqueue call, its context stored with the tasks. */
    public EnqueueInterceptor enqueueInterceptor() {
        return this::aroundEnqueue;
    }

    /** The consumer side: a {@code process} span around each attempt, the child of the task's {@code send} span. */
    public TaskInterceptor taskInterceptor() {
        return this::aroundTask;
    }

    private void aroundEnqueue(EnqueueInterceptor.Invocation enqueue) {
        SpanBuilder builder = tracer.spanBuilder("send " + enqueue.taskName())
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(MESSAGING_SYSTEM, "dbmq")
                .setAttribute(DESTINATION, enqueue.taskName())
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "send");
        if (enqueue.taskCount() != 1) {
            builder.setAttribute(BATCH_COUNT, (long) enqueue.taskCount());
        }
        Span span = builder.startSpan();
        try (Scope ignored = span.makeCurrent()) {
            propagator.inject(Context.current(), enqueue, METADATA_SETTER);
            List<Long> ids = enqueue.proceed();
            if (ids.size() == 1) {
                span.setAttribute(MESSAGE_ID, String.valueOf(ids.get(0)));
            }
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    private void aroundTask(TaskInterceptor.Invocation task) throws Exception {
        TaskContext ctx = task.context();
        // From the root, not Context.current(): a worker thread's leftover context must not become the parent.
        Context parent = propagator.extract(Context.root(), ctx.metadata(), METADATA_GETTER);
        Span span = tracer.spanBuilder("process " + task.taskName())
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "dbmq")
                .setAttribute(DESTINATION, task.taskName())
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(MESSAGE_ID, String.valueOf(ctx.id()))
                .setAttribute(ATTEMPT, (long) ctx.attempt())
                .startSpan();
        try (Scope ignored = parent.with(span).makeCurrent()) {
            task.proceed();
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    /** Writes the propagator's entries as task metadata; one that would break its limits is left out and logged. */
    private static final TextMapSetter<EnqueueInterceptor.Invocation> METADATA_SETTER = (enqueue, key, value) -> {
        if (enqueue == null) {
            return;
        }
        try {
            enqueue.putMetadata(key, value);
        } catch (IllegalArgumentException e) {
            log.warn("Trace context entry \"{}\" not stored with task {}: {}", key, enqueue.taskName(),
                    e.getMessage());
        }
    };

    /** Reads the propagator's entries from a task's metadata. */
    private static final TextMapGetter<Map<String, String>> METADATA_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> metadata) {
            return metadata.keySet();
        }

        @Override
        public String get(Map<String, String> metadata, String key) {
            return metadata == null ? null : metadata.get(key);
        }
    };
}
