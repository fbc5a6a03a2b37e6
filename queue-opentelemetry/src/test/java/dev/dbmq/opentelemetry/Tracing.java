package dev.dbmq.opentelemetry;

import dev.dbmq.ForemanListener;
import dev.dbmq.Task;
import dev.dbmq.TaskEvent;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** What the tests share: an SDK exporting to memory as each span ends, the task, and a wait for attempts. */
final class Tracing {

    record Echo(int n) {
    }

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);

    private Tracing() {
    }

    /** W3C trace context and baggage, spans exported as they end (so an ended attempt's span is in the exporter). */
    static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
                .build();
    }

    /**
     * Counts ended attempts (succeeded, failed, retrying). The foreman calls the listener after the task interceptor
     * returned, so once an attempt is counted, its span has ended and been exported.
     */
    static final class Attempts implements ForemanListener {
        private final Semaphore ended = new Semaphore(0);

        @Override
        public void taskSucceeded(TaskEvent.Succeeded e) {
            ended.release();
        }

        @Override
        public void taskFailed(TaskEvent.Failed e) {
            ended.release();
        }

        @Override
        public void taskRetrying(TaskEvent.Retrying e) {
            ended.release();
        }

        void await(int attempts) throws InterruptedException {
            if (!ended.tryAcquire(attempts, 30, TimeUnit.SECONDS)) {
                throw new AssertionError("fewer than " + attempts + " attempts ended within 30 s");
            }
        }
    }
}
