package dev.dbmq.opentelemetry;

import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;

/**
 * The producer process of {@link TwoJvmTracingTest}: inside a "request" span, enqueues one task into the SQLite queue
 * at {@code args[0]} with tracing, then prints each span it ended as
 * {@code SPAN <name> <kind> <traceId> <spanId> <parentSpanId>}, the task's id as {@code TASK <id>}, and {@code DONE}.
 */
public final class TracedProducer {

    private TracedProducer() {
    }

    public static void main(String[] args) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = Tracing.sdk(exporter);
             TaskQueue queue = TaskQueue.open(QueueTracing.create(otel)
                     .addTo(QueueSettings.sqlite(Path.of(args[0]))).build())) {
            Span request = otel.getTracer("app").spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
            long id;
            try (Scope ignored = request.makeCurrent()) {
                id = queue.enqueue(Tracing.ECHO, new Tracing.Echo(7));
            } finally {
                request.end();
            }
            for (SpanData s : exporter.getFinishedSpanItems()) {
                System.out.println("SPAN " + s.getName().replace(' ', '_') + " " + s.getKind() + " " + s.getTraceId()
                        + " " + s.getSpanId() + " " + s.getParentSpanId());
            }
            System.out.println("TASK " + id);
        }
        System.out.println("DONE");
    }
}
