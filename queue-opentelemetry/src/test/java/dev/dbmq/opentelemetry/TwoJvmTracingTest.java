package dev.dbmq.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof: a producer in one JVM ({@link TracedProducer}) enqueues inside its request's span; a foreman in
 * this JVM runs the task; the consumer span's parent is the producer's span, in the same trace. Each JVM has its own
 * SDK and exporter, as two services would; only the task row (its metadata) connects them.
 */
class TwoJvmTracingTest {

    @TempDir
    Path dir;

    @Test
    void the_consumer_span_in_one_jvm_is_a_child_of_the_producer_span_in_another() throws Exception {
        Path db = dir.resolve("queue.db");
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        Tracing.Attempts attempts = new Tracing.Attempts();
        try (OpenTelemetrySdk otel = Tracing.sdk(exporter);
             TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(db).build());
             Foreman foreman = QueueTracing.create(otel).addTo(Foreman.builder(queue)).listener(attempts)
                     .stopOnShutdown(false).handle(Tracing.ECHO, a -> { }).start()) {
            List<String> output = runProducer(db);
            Map<String, String[]> producerSpans = new HashMap<>();
            String taskId = null;
            for (String line : output) {
                String[] f = line.split(" ");
                if (f[0].equals("SPAN")) {
                    producerSpans.put(f[1], f);
                } else if (f[0].equals("TASK")) {
                    taskId = f[1];
                }
            }
            String[] request = producerSpans.get("request");
            String[] send = producerSpans.get("send_echo");
            assertTrue(request != null && send != null && taskId != null, "the producer's output: " + output);
            assertEquals("PRODUCER", send[2]);
            assertEquals(request[4], send[5], "the producer span is the request's child");

            attempts.await(1); // woken across processes through the wakeup directory
            List<SpanData> processes = exporter.getFinishedSpanItems();
            assertEquals(1, processes.size(), processes::toString);
            SpanData process = processes.get(0);
            assertEquals("process echo", process.getName());
            assertEquals(SpanKind.CONSUMER, process.getKind());
            assertEquals(send[3], process.getTraceId(), "one trace across the two JVMs");
            assertEquals(send[4], process.getParentSpanId(), "the consumer span's parent is the producer span");
            assertTrue(process.getParentSpanContext().isRemote(), "its parent came from another process");
            assertEquals(taskId, process.getAttributes().get(QueueTracing.MESSAGE_ID));
        }
    }

    /** Runs {@link TracedProducer} in a JVM of its own to its end; its output lines. */
    private static List<String> runProducer(Path db) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TracedProducer.class.getName(), db.toString())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "producer-output");
        reader.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the producer JVM did not end within 60 s: " + lines);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (lines) {
            assertEquals(0, p.exitValue(), () -> "the producer JVM failed: " + lines);
            assertTrue(lines.contains("DONE"), lines::toString);
            return new ArrayList<>(lines);
        }
    }
}
