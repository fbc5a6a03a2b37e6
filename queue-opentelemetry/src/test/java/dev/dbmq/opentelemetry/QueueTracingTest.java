package dev.dbmq.opentelemetry;

import static dev.dbmq.opentelemetry.Tracing.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Retry;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.opentelemetry.Tracing.Echo;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer and consumer spans in one JVM (the two-JVM case is {@link TwoJvmTracingTest}). */
@Tag("smoke") // one of the few CI runs again on the newest JDK
class QueueTracingTest {

    @TempDir
    Path dir;
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel;
    QueueTracing tracing;
    Tracer appTracer;
    TaskQueue queue;
    Foreman foreman;
    final Tracing.Attempts attempts = new Tracing.Attempts();
    final Map<Integer, String> baggageSeen = new ConcurrentHashMap<>();

    @BeforeEach
    void open() {
        otel = Tracing.sdk(exporter);
        tracing = QueueTracing.create(otel);
        appTracer = otel.getTracer("app");
        queue = TaskQueue.open(tracing.addTo(QueueSettings.sqlite(dir.resolve("queue.db"))).build());
    }

    @AfterEach
    void close() {
        if (foreman != null) {
            foreman.close();
        }
        queue.close();
        otel.close();
    }

    void startForeman(Task<Echo> task) {
        foreman = tracing.addTo(Foreman.builder(queue)).listener(attempts).stopOnShutdown(false)
                .handle(task, a -> {
                    baggageSeen.put(a.n(), String.valueOf(Baggage.current().getEntryValue("tenant")));
                    appTracer.spanBuilder("handler work " + a.n()).startSpan().end();
                    if (a.n() < 0) {
                        throw new IllegalStateException("fails " + a.n());
                    }
                })
                .start();
    }

    SpanData span(String name) {
        List<SpanData> found = spans(name);
        assertEquals(1, found.size(), () -> "one span " + name + " in " + names());
        return found.get(0);
    }

    List<SpanData> spans(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    List<String> names() {
        return exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList();
    }

    static void assertChildOf(SpanData parent, SpanData child) {
        assertEquals(parent.getTraceId(), child.getTraceId(), child.getName() + " in " + parent.getName() + "'s trace");
        assertEquals(parent.getSpanId(), child.getParentSpanId(), child.getName() + "'s parent is " + parent.getName());
    }

    @Test
    void the_handler_runs_in_a_consumer_span_whose_parent_is_the_enqueues_producer_span() throws Exception {
        startForeman(ECHO);
        Span request = appTracer.spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
        long id;
        try (Scope s = request.makeCurrent();
             Scope b = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
            id = queue.enqueue(ECHO, new Echo(1));
        } finally {
            request.end();
        }
        attempts.await(1);

        SpanData send = span("send echo");
        SpanData process = span("process echo");
        assertChildOf(span("request"), send);
        assertChildOf(send, process);
        assertChildOf(process, span("handler work 1"));
        assertEquals(SpanKind.PRODUCER, send.getKind());
        assertEquals(SpanKind.CONSUMER, process.getKind());
        assertEquals(String.valueOf(id), send.getAttributes().get(QueueTracing.MESSAGE_ID));
        assertEquals(String.valueOf(id), process.getAttributes().get(QueueTracing.MESSAGE_ID));
        assertEquals("echo", process.getAttributes().get(QueueTracing.DESTINATION));
        assertEquals("dbmq", process.getAttributes().get(QueueTracing.MESSAGING_SYSTEM));
        assertEquals("process", process.getAttributes().get(QueueTracing.OPERATION_TYPE));
        assertEquals(1L, process.getAttributes().get(QueueTracing.ATTEMPT));
        assertEquals(StatusCode.UNSET, process.getStatus().getStatusCode());
        assertEquals("acme", baggageSeen.get(1), "the producer's baggage is current in the handler");
    }

    @Test
    void every_attempt_of_a_retried_task_is_a_child_of_the_one_producer_span_and_a_failure_is_an_error() throws Exception {
        Task<Echo> flaky = Task.of("echo", Echo.class).retry(Retry.fixed(Duration.ofMillis(1), 2));
        startForeman(flaky);
        queue.enqueue(flaky, new Echo(-1));
        attempts.await(2); // both attempts fail: the second is kept as failed

        SpanData send = span("send echo");
        List<SpanData> processes = spans("process echo");
        assertEquals(2, processes.size(), () -> names().toString());
        for (SpanData p : processes) {
            assertChildOf(send, p);
            assertEquals(StatusCode.ERROR, p.getStatus().getStatusCode());
            assertTrue(p.getEvents().stream().anyMatch(e -> e.getName().equals("exception")), "exception recorded");
        }
        assertEquals(List.of(1L, 2L), processes.stream().map(p -> p.getAttributes().get(QueueTracing.ATTEMPT))
                .sorted().toList());
        assertFalse(send.getParentSpanContext().isValid(), "enqueued outside any span: send is a root");
    }

    @Test
    void an_enqueue_all_is_one_producer_span_parent_of_each_tasks_consumer_span() throws Exception {
        startForeman(ECHO);
        queue.enqueueAll(ECHO, List.of(new Echo(1), new Echo(2), new Echo(3)));
        attempts.await(3);

        SpanData send = span("send echo");
        assertEquals(3L, send.getAttributes().get(QueueTracing.BATCH_COUNT));
        assertEquals(null, send.getAttributes().get(QueueTracing.MESSAGE_ID), "three ids: none is the message's");
        List<SpanData> processes = spans("process echo");
        assertEquals(3, processes.size());
        processes.forEach(p -> assertChildOf(send, p));
        assertEquals(3, processes.stream().map(p -> p.getAttributes().get(QueueTracing.MESSAGE_ID)).distinct()
                .count());
    }

    @Test
    void a_task_enqueued_without_tracing_runs_in_a_root_span_not_in_whatever_the_worker_had_current() throws Exception {
        startForeman(ECHO);
        try (TaskQueue plain = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            Span unrelated = appTracer.spanBuilder("unrelated").startSpan();
            try (Scope s = unrelated.makeCurrent()) {
                plain.enqueue(ECHO, new Echo(1));
            } finally {
                unrelated.end();
            }
        }
        attempts.await(1);
        SpanData process = span("process echo");
        assertFalse(process.getParentSpanContext().isValid(), "a root span: " + process.getParentSpanContext());
        assertTrue(spans("send echo").isEmpty());
        assertEquals("null", baggageSeen.get(1));
    }

    @Test
    void a_failed_enqueue_ends_its_producer_span_as_an_error_and_the_caller_gets_the_failure() throws Exception {
        Path other = dir.resolve("other.db");
        try (TaskQueue otherQueue = TaskQueue.sqlite(other);
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            // the write refuses a transaction on another database
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(DSL.using(c, SQLDialect.SQLITE), ECHO, new Echo(1)));
            SpanData send = span("send echo");
            assertEquals(StatusCode.ERROR, send.getStatus().getStatusCode());
            assertEquals(e.getMessage(), send.getStatus().getDescription());
            assertEquals(0, otherQueue.pending());
        }
        assertEquals(0, queue.pending());
    }
}
