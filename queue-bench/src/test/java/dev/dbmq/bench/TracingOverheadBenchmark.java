package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import dev.dbmq.opentelemetry.QueueTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What queue-opentelemetry costs on question 1's row (1000 × {@code enqueue} in-process, from the first
 * call to the last handler finished, SQLite NORMAL, 4 workers): {@code tracing=none} is that row;
 * {@code opentelemetry} adds {@link QueueTracing}'s interceptors on both sides, on an SDK as an application runs one:
 * every span sampled, a {@link BatchSpanProcessor} handing them to an exporter (here one that counts and drops them,
 * so no network is timed), W3C trace context stored with every task. Each enqueue is a root span (no request span
 * around it). Compare the two rows of one run as a ratio.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class TracingOverheadBenchmark {

    static final int TASKS = EnqueueToFinishBenchmark.TASKS;

    @State(Scope.Benchmark)
    public static class WithForeman {
        @Param({"none", "opentelemetry"})
        public String tracing;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        OpenTelemetrySdk otel;
        final AtomicLong exported = new AtomicLong();
        volatile CountDownLatch finished = new CountDownLatch(0);

        @Setup(Level.Trial)
        public void start() {
            dir = BenchDb.newDirectory();
            QueueSettings.Builder settings = QueueSettings.sqlite(dir.resolve("queue.db"))
                    .synchronous(Synchronous.NORMAL);
            Foreman.Builder foremanSettings;
            if (tracing.equals("opentelemetry")) {
                otel = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(BatchSpanProcessor.builder(new Dropping(exported)).build()).build())
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                        .build();
                QueueTracing queueTracing = QueueTracing.create(otel);
                queue = TaskQueue.open(queueTracing.addTo(settings).build());
                foremanSettings = queueTracing.addTo(Foreman.builder(queue));
            } else {
                queue = TaskQueue.open(settings.build());
                foremanSettings = Foreman.builder(queue);
            }
            foreman = foremanSettings.handle(BenchDb.TRIVIAL, args -> finished.countDown()).stopOnShutdown(false)
                    .start();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) {
            SideResults.recordLoad(params);
            foreman.close();
            queue.close();
            if (otel != null) {
                otel.close(); // flushes the batch processor
                if (exported.get() == 0) {
                    throw new IllegalStateException("tracing=opentelemetry exported no spans: nothing was traced");
                }
            }
            BenchDb.deleteTree(dir);
        }
    }

    /** Counts spans and drops them: the SDK's work is timed, a network is not. */
    static final class Dropping implements SpanExporter {
        private final AtomicLong exported;

        Dropping(AtomicLong exported) {
            this.exported = exported;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Benchmark
    public void inProcess_1000_enqueue(WithForeman s) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(TASKS);
        s.finished = latch;
        for (int i = 0; i < TASKS; i++) {
            s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
        }
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(latch.getCount() + " of " + TASKS + " tasks unfinished after 60 s");
        }
    }
}
