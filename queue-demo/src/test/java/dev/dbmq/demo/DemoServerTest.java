package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.QueueSettings;
import dev.dbmq.ManualForeman;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API on a real server and a real queue; tasks run by hand, so every count is known. */
class DemoServerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    TaskQueue queue;
    DemoServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        queue = TaskQueue.sqlite(dir.resolve("queue.db"));
        server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null);
    }

    @AfterEach
    void stop() {
        server.close();
        queue.close();
    }

    @Test
    void an_event_becomes_a_digest_task() throws Exception {
        HttpResponse<String> r = post("/api/events", "{\"level\":\"warning\",\"message\":\"disk full\",\"extra\":[1]}");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(1, body.get("eventId").asLong());
        assertTrue(body.get("taskId").asLong() > 0);
        assertEquals(1, queue.pending());

        try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
            assertEquals(2, foreman.runPending(), "the digest and the flaky forward it queued");
        }
        assertEquals(1, queue.stats().counts().get("digest").done());
    }

    @Test
    void an_event_without_a_level_is_an_error_event() throws Exception {
        assertEquals(202, post("/api/events", "{}").statusCode());
        try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
            assertEquals(3, foreman.runPending(), "digest, flaky and the notify of an error event");
        }
        assertEquals(1, queue.stats().counts().get("notify").done());
    }

    @Test
    void bad_json_is_refused_with_a_reason() throws Exception {
        assertError(400, "body is not valid JSON", post("/api/events", "{\"level\":"));
        assertError(400, "body is not valid JSON", post("/api/events", "{} {}"));
        assertError(400, "body is empty", post("/api/events", ""));
        assertError(400, "body must be a JSON object, was array", post("/api/events", "[1,2]"));
        assertError(400, "level must be one of debug, info, warning, error, fatal; was \"loud\"",
                post("/api/events", "{\"level\":\"loud\"}"));
        assertError(400, "message must be a string, was number", post("/api/events", "{\"message\":42}"));
        assertEquals(0, queue.pending(), "nothing was enqueued");
    }

    @Test
    void an_event_over_the_size_limit_is_refused_with_413() throws Exception {
        String big = "{\"message\":\"" + "x".repeat(EventIngest.MAX_BODY_BYTES) + "\"}";
        assertError(413, "event larger than 65536 bytes", post("/api/events", big));
        String justFits = "{\"message\":\"" + "x".repeat(EventIngest.MAX_BODY_BYTES - 14) + "\"}";
        assertEquals(EventIngest.MAX_BODY_BYTES, justFits.length());
        assertEquals(202, post("/api/events", justFits).statusCode());
        assertEquals(1, queue.pending());
    }

    @Test
    void wrong_methods_and_paths_are_refused() throws Exception {
        assertError(405, "/api/events takes POST, not GET", get("/api/events"));
        assertError(405, "/api/status takes GET, not POST", post("/api/status", "{}"));
        assertError(404, "no such resource: GET /nope", get("/nope"));
    }

    @Test
    void a_burst_enqueues_that_many_digests() throws Exception {
        HttpResponse<String> r = post("/api/burst?events=25", "");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(25, queue.pending());
        assertError(400, "events must be a number from 1 to 10000, was \"0\"", post("/api/burst?events=0", ""));
        assertError(400, "events must be a number from 1 to 10000, was \"many\"", post("/api/burst?events=many", ""));
        assertEquals(25, queue.pending());
    }

    @Test
    void status_reports_counts_failures_and_an_unknown_worker_gauge() throws Exception {
        post("/api/burst?events=10", ""); // event ids 1 to 10: 5 and 10 are errors, 7 fails its forward
        try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
            assertEquals(10 + 10 + 2, foreman.runPending());
        }
        post("/api/events", "{\"level\":\"info\"}");
        server.close(); // a new server samples at start, so its status shows the state of now
        server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null);

        HttpResponse<String> r = get("/api/status");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode s = JSON.readTree(r.body());
        assertEquals(1, s.get("pending").asLong());
        assertEquals(1, s.get("due").asLong());
        assertEquals(0, s.get("scheduled").asLong());
        assertEquals(0, s.get("retrying").asLong(), "the notifications of events 5 and 10 succeed at once");
        assertTrue(s.get("nextDueAt").isNull(), "nothing scheduled: " + s);
        assertTrue(s.get("oldestTaskAgeMillis").asLong() >= 0);
        assertTrue(s.get("workersBusy").isNull(), "no foreman in this process");
        assertTrue(s.get("foremanState").isNull(), "no foreman in this process");
        assertEquals(1, s.get("failedKept").asLong());
        assertEquals(10, s.at("/tasks/digest/done").asLong());
        assertEquals(9, s.at("/tasks/flaky/done").asLong());
        assertEquals(1, s.at("/tasks/flaky/failed").asLong());
        assertEquals(2, s.at("/tasks/notify/done").asLong());
        assertEquals(0, s.at("/tasks/digest/doneInWindow").asLong(), "all finished before this server's first sample");
        assertEquals(0, s.get("rateWindowMillis").asLong(), "one sample: no window yet");
        assertFalse(s.get("stalled").asBoolean());
        assertEquals("flaky", s.at("/recentFailures/0/task").asText());
        assertTrue(s.at("/recentFailures/0/reason").asText().contains("event 7"), r.body());
        assertTrue(s.at("/recentFailures/0").get("args") == null, "args are not shown");
    }

    @Test
    void status_flags_a_stalled_queue() throws Exception {
        server.close();
        queue.close();
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
        queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("stalled.db")).clock(clock).build());
        queue.enqueue(Digest.TASK, new Digest(1, "error", "m"));
        server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null, clock); // samples at 12:00:00
        JsonNode before = JSON.readTree(get("/api/status").body());
        assertFalse(before.get("stalled").asBoolean(), "just enqueued");
        assertEquals(30_000, before.get("stallMillis").asLong());

        clock.advance(Duration.ofSeconds(31)); // no foreman: nothing finishes
        long at = clock.millis();
        JsonNode after = PollUntil.value(Duration.ofSeconds(10), () -> status(), n -> n.get("sampledAt").asLong() == at,
                "sampled at the advanced time");
        assertEquals(31_000, after.get("oldestTaskAgeMillis").asLong());
        assertTrue(after.get("stalled").asBoolean(), after.toString());
    }

    @Test
    void status_reports_due_scheduled_and_retrying_tasks_and_the_next_due_time() throws Exception {
        server.close();
        queue.close();
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
        long start = clock.millis();
        queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("scheduled.db")).clock(clock).build());
        queue.enqueue(Notify.TASK, new Notify(3, "m")); // its first attempt fails: a retry about 1 s later
        try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
            assertEquals(1, foreman.runPending());
        }
        queue.enqueue(Digest.TASK, new Digest(1, "info", "now"));
        queue.enqueue(Flaky.TASK, new Flaky(2), Enqueue.after(Duration.ofMinutes(10)));
        server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null, clock);

        JsonNode s = status();
        assertEquals(3, s.get("pending").asLong());
        assertEquals(1, s.get("due").asLong(), "the digest");
        assertEquals(2, s.get("scheduled").asLong(), "the retry and the forward");
        assertEquals(1, s.get("retrying").asLong());
        long next = s.get("nextDueAt").asLong();
        assertTrue(next >= start + 900 && next <= start + 1100, "the retry's due time, 1 s ± 10% on: " + s);
        assertEquals(0, s.get("failedKept").asLong());
    }

    JsonNode status() {
        try {
            return JSON.readTree(get("/api/status").body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void the_status_page_is_served() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.body().contains("id=\"pending\""));
        for (String id : new String[] {"due", "scheduled", "retrying", "next-due"}) {
            assertTrue(r.body().contains("id=\"" + id + "\""), "a card for " + id);
        }
    }

    /** The status, and a reason that starts with the given one. */
    private void assertError(int status, String reason, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        String actual = JSON.readTree(r.body()).get("error").asText();
        assertTrue(actual.startsWith(reason), "reason \"" + actual + "\" should start with \"" + reason + '"');
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return server.url().resolve(path);
    }

    /** A task running on a foreman shows in the status, with its progress, and the page's cancel stops it. */
    @Test
    void status_lists_running_tasks_with_progress_and_cancel_stops_one() throws Exception {
        dev.dbmq.Task<Digest> slow = dev.dbmq.Task.of("slow-digest", Digest.class);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        try (dev.dbmq.Foreman foreman = dev.dbmq.Foreman.builder(queue).stopOnShutdown(false)
                .handle(slow, (d, ctx) -> {
                    ctx.progress(0.25, "a quarter");
                    try {
                        new java.util.concurrent.CountDownLatch(1).await(); // until cancelled
                    } finally {
                        stopped.countDown();
                    }
                }).start()) {
            long id = queue.enqueue(slow, new Digest(1, "info", "slow"));
            JsonNode task = PollUntil.value(java.time.Duration.ofSeconds(30), () -> {
                try {
                    return JSON.readTree(get("/api/status").body()).get("running");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, running -> running.size() == 1 && !running.get(0).get("progress").isNull(),
                    "the task and its progress in the status").get(0);
            assertEquals(id, task.get("id").asLong());
            assertEquals("slow-digest", task.get("task").asText());
            assertEquals(0.25, task.get("progress").asDouble());
            assertEquals("a quarter", task.get("note").asText());
            HttpResponse<String> r = post("/api/cancel?id=" + id, "");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(JSON.readTree(r.body()).get("cancelled").asBoolean());
            assertTrue(stopped.await(30, java.util.concurrent.TimeUnit.SECONDS), "the handler was stopped");
            assertError(400, "id must be a task id, was \"x\"", post("/api/cancel?id=x", ""));
        }
    }
}
