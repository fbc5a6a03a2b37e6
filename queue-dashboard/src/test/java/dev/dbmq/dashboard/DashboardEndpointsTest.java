package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.FailedFilter;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Retry;
import dev.dbmq.Schedule;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.SettableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's request handling without a server, as tables: which access gets which status from each endpoint,
 * the forgery checks of a mutating call, args hidden without {@link Action#VIEW_ARGS}, 400s naming the field, and a
 * resolver that throws; and what the read endpoints answer for a known queue. One SQLite queue for the tables, with
 * three kept failed tasks, one pending task, one that succeeded and a recurring schedule; the mutating calls here name
 * ids that match nothing, so they change nothing (what they change is the HTTP tests' subject). A second queue, on a
 * {@link SettableClock}, has exact counts, minutes and history for the overview, history and task endpoints.
 */
class DashboardEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.0.1:8080";

    @TempDir
    static java.nio.file.Path dir;

    static TaskQueue queue;
    static long failedId;
    static long pendingId;
    static long finishedId;

    @BeforeAll
    static void queueWithFailedPendingAndFinishedTasksAndASchedule() {
        queue = TaskQueue.sqlite(dir.resolve("q.db"));
        Fixtures.fail(queue, Fixtures.EMAIL, Map.of("secret-email-1", "smtp timeout", "secret-email-2", "smtp refused"));
        Fixtures.fail(queue, Fixtures.REPORT, Map.of("secret-report", "disk full"));
        failedId = queue.failedTasks(FailedFilter.all().taskName("report"), 1).get(0).id();
        finishedId = queue.enqueue(Fixtures.EMAIL, "secret-done");
        try (ManualForeman foreman = Foreman.builder(queue).handle(Fixtures.EMAIL, (String args) -> { }).startManual()) {
            assertEquals(1, foreman.runPending());
        }
        pendingId = queue.enqueue(Fixtures.EMAIL, "secret-pending", Enqueue.after(Duration.ofHours(1)).key("k:1"));
        // its start writes the schedule's first instance, due in an hour; closed at once, so nothing claims it
        Foreman.builder(queue).handle(Fixtures.REPORT, (String args) -> { })
                .recurring("hourly-report", Schedule.every(Duration.ofHours(1)), Fixtures.REPORT, "secret-schedule")
                .startManual().close();
        timedQueue();
    }

    @AfterAll
    static void close() {
        queue.close();
        timed.close();
    }

    // ---- a queue with exact numbers: tasks run at 12:00:10 and 12:01:10, read at 12:02:10 ----

    static final Instant T0 = Instant.parse("2026-12-01T12:00:10Z");
    static final Task<String> OK = Task.of("ok", String.class);
    static final Task<String> FLAKY = Task.of("flaky", String.class).retry(Retry.fixed(Duration.ofMinutes(10), 3));
    static final Task<String> BOOM = Task.of("boom", String.class);
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    static final SettableClock clock = new SettableClock(T0);
    static TaskQueue timed;
    static List<Long> okIds = new ArrayList<>();
    static long flakyId;
    static long boomId;

    /**
     * At 12:00:10 three ok tasks succeed; at 12:01:10 two more succeed, flaky fails its first attempt (retried in ten
     * minutes) and boom fails for good; then one ok task is enqueued due at once and one due in an hour, none of
     * which runs. The clock is left at 12:02:10, so the last complete minute is 12:01.
     */
    static void timedQueue() {
        timed = TaskQueue.open(QueueSettings.sqlite(dir.resolve("timed.db")).clock(clock).build());
        try (ManualForeman foreman = Foreman.builder(timed)
                .handle(OK, (String args) -> { })
                .handle(FLAKY, (String args) -> {
                    throw new IllegalStateException("upstream timeout");
                })
                .handle(BOOM, (String args) -> {
                    throw new IllegalStateException(HOSTILE);
                })
                .startManual()) {
            for (int i = 0; i < 3; i++) {
                okIds.add(timed.enqueue(OK, "first-" + i));
            }
            assertEquals(3, foreman.runPending());
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 2; i++) {
                okIds.add(timed.enqueue(OK, "second-" + i));
            }
            flakyId = timed.enqueue(FLAKY, "f");
            boomId = timed.enqueue(BOOM, "b");
            assertEquals(4, foreman.runPending());
        }
        timed.enqueue(OK, "due-now");
        timed.enqueue(OK, "later", Enqueue.after(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));
    }

    static Endpoints endpoints(Access access) {
        return Dashboard.builder(queue).access(r -> access).build().endpoints();
    }

    static Reply get(Endpoints e, String pathAndQuery) {
        return call(e, "GET", pathAndQuery, Map.of("Host", HOST), null);
    }

    /** A POST as the page sends it: JSON, the session's token, same origin. */
    static Reply post(Endpoints e, String path, String body) {
        return call(e, "POST", path, Map.of("Host", HOST, "Content-Type", "application/json",
                "X-Dbmq-Csrf", token(e), "Origin", "http://" + HOST, "Sec-Fetch-Site", "same-origin"), body);
    }

    static Reply call(Endpoints e, String method, String pathAndQuery, Map<String, String> headers, String body) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return e.handle(new Call(new TestRequest(method, path, headers, null), "/dbmq/" + path, "/" + path, query,
                () -> new ByteArrayInputStream(bytes)));
    }

    static String token(Endpoints e) {
        Reply session = get(e, "api/session");
        assertEquals(200, session.status(), session.bodyText());
        return json(session).get("csrfToken").asText();
    }

    static JsonNode json(Reply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (java.io.IOException ex) {
            throw new AssertionError(reply.bodyText(), ex);
        }
    }

    static String ids(String path) {
        return path.replace("{failed}", Long.toString(failedId)).replace("{pending}", Long.toString(pendingId))
                .replace("{finished}", Long.toString(finishedId));
    }

    static final Map<String, Access> ACCESSES = Map.of(
            "FULL", Access.FULL,
            "READ_ONLY", Access.READ_ONLY,
            "FORBIDDEN", Access.FORBIDDEN,
            "REQUEUE", Access.allowing(Action.REQUEUE),
            "CANCEL_DELETE", Access.allowing(Action.CANCEL, Action.DELETE));

    @ParameterizedTest(name = "{0} {1}: FULL {3}, READ_ONLY {4}, FORBIDDEN {5}, REQUEUE {6}, CANCEL+DELETE {7}")
    @CsvSource(delimiter = '|', textBlock = """
            GET  | ''                         |                   | 200 | 200 | 403 | 200 | 200
            GET  | dashboard.js               |                   | 200 | 200 | 403 | 200 | 200
            GET  | dashboard.css              |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/session                |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/overview               |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/running                |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/scheduled              |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/failed                 |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/foremen                |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/history                |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/history?name=email&limit=5 |               | 200 | 200 | 403 | 200 | 200
            GET  | api/schedules              |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/task/{failed}          |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/task/{finished}        |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/task/999999            |                   | 404 | 404 | 403 | 404 | 404
            GET  | api/nothing                |                   | 404 | 404 | 403 | 404 | 404
            POST | api/failed/requeue         | {"ids":[999999]}  | 200 | 403 | 403 | 200 | 403
            POST | api/failed/delete          | {"ids":[999999]}  | 200 | 403 | 403 | 403 | 200
            POST | api/pending/cancel         | {"ids":[999999]}  | 200 | 403 | 403 | 403 | 200
            POST | api/running/999999/cancel  | {}                | 200 | 403 | 403 | 403 | 200
            POST | api/lanes/pause            | {"lane":"bulk"}   | 200 | 403 | 403 | 403 | 403
            POST | api/lanes/resume           | {"lane":"bulk"}   | 200 | 403 | 403 | 403 | 403
            POST | api/history                | {}                | 405 | 405 | 403 | 405 | 405
            POST | api/schedules              | {}                | 405 | 405 | 403 | 405 | 405
            """)
    void each_access_gets_its_status_from_each_endpoint(String method, String path, String body, int full,
                                                         int readOnly, int forbidden, int requeue, int cancelDelete) {
        Map<String, Integer> expected = Map.of("FULL", full, "READ_ONLY", readOnly, "FORBIDDEN", forbidden,
                "REQUEUE", requeue, "CANCEL_DELETE", cancelDelete);
        for (Map.Entry<String, Integer> row : expected.entrySet()) {
            Endpoints e = endpoints(ACCESSES.get(row.getKey()));
            Reply reply;
            if (method.equals("GET")) {
                reply = get(e, ids(path));
            } else {
                // the token of a dashboard the resolver forbids can't be read: take it from a FULL one's session
                String token = row.getKey().equals("FORBIDDEN") ? "not-readable" : token(e);
                reply = call(e, "POST", ids(path), Map.of("Host", HOST, "Content-Type", "application/json",
                        "X-Dbmq-Csrf", token), body);
            }
            assertEquals(row.getValue(), reply.status(), row.getKey() + " " + method + " " + path + ": "
                    + reply.bodyText());
        }
    }

    @Test
    void the_session_lists_the_callers_actions_and_a_token() {
        assertEquals("[\"CANCEL\",\"DELETE\",\"PAUSE\",\"REQUEUE\",\"VIEW_ARGS\"]",
                json(get(endpoints(Access.FULL), "api/session")).get("actions").toString());
        assertEquals("[]", json(get(endpoints(Access.READ_ONLY), "api/session")).get("actions").toString());
        assertEquals("[\"REQUEUE\"]",
                json(get(endpoints(Access.allowing(Action.REQUEUE)), "api/session")).get("actions").toString());
        String token = token(endpoints(Access.FULL));
        assertTrue(token.length() >= 40, token);
        assertFalse(token.equals(token(endpoints(Access.FULL))), "each dashboard has a token of its own");
    }

    @Test
    void without_a_resolver_every_caller_is_read_only() {
        Endpoints e = Dashboard.builder(queue).build().endpoints();
        assertEquals("[]", json(get(e, "api/session")).get("actions").toString());
        assertEquals(403, post(e, "api/failed/requeue", "{\"ids\":[999999]}").status());
        assertEquals(200, get(e, "api/failed").status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                        | Origin                 | Sec-Fetch-Site | Content-Type                    | token   | status | says
            as the page sends it           | http://127.0.0.1:8080  | same-origin    | application/json                | right   | 200    | count
            no Origin, no Sec-Fetch-Site   |                        |                | application/json                | right   | 200    | count
            Sec-Fetch-Site none            |                        | none           | application/json                | right   | 200    | count
            JSON with a charset            |                        |                | application/json; charset=utf-8 | right   | 200    | count
            missing token                  | http://127.0.0.1:8080  | same-origin    | application/json                | missing | 403    | missing X-Dbmq-Csrf
            wrong token                    | http://127.0.0.1:8080  | same-origin    | application/json                | wrong   | 403    | wrong X-Dbmq-Csrf
            foreign Origin                 | http://evil.example    |                | application/json                | right   | 403    | another origin
            same host, other port          | http://127.0.0.1:9090  |                | application/json                | right   | 403    | another origin
            Origin null                    | null                   |                | application/json                | right   | 403    | another origin
            cross-site fetch               |                        | cross-site     | application/json                | right   | 403    | another site
            same-site fetch                |                        | same-site      | application/json                | right   | 403    | another site
            a form's body                  |                        |                | application/x-www-form-urlencoded | right | 415    | application/json
            plain text                     |                        |                | text/plain                      | right   | 415    | application/json
            no Content-Type                |                        |                |                                 | right   | 415    | application/json
            """)
    void a_mutating_call_must_pass_the_forgery_checks(String name, String origin, String fetchSite,
                                                       String contentType, String token, int status, String says) {
        Endpoints e = endpoints(Access.FULL);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", HOST);
        if (origin != null) {
            headers.put("Origin", origin);
        }
        if (fetchSite != null) {
            headers.put("Sec-Fetch-Site", fetchSite);
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        if (!token.equals("missing")) {
            headers.put("X-Dbmq-Csrf", token.equals("right") ? token(e) : token(endpoints(Access.FULL)));
        }
        Reply reply = call(e, "POST", "api/failed/requeue", headers, "{\"ids\":[999999]}");
        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.bodyText().contains(says), reply.bodyText());
    }

    @Test
    void a_mutation_must_be_a_post_and_the_session_refuses_another_site() {
        Endpoints e = endpoints(Access.FULL);
        Reply get = get(e, "api/failed/requeue");
        assertEquals(405, get.status());
        assertEquals("POST", get.header("Allow"));
        Reply session = call(e, "GET", "api/session", Map.of("Host", HOST, "Sec-Fetch-Site", "cross-site"), null);
        assertEquals(403, session.status());
        assertFalse(session.bodyText().contains(token(e)), "the token stays home");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FULL", "READ_ONLY", "REQUEUE", "CANCEL_DELETE", "VIEW_ARGS"})
    void args_and_metadata_leave_only_with_view_args(String accessName) {
        Access access = accessName.equals("VIEW_ARGS") ? Access.allowing(Action.VIEW_ARGS) : ACCESSES.get(accessName);
        boolean shown = access.allows(Action.VIEW_ARGS);
        Endpoints e = endpoints(access);
        for (String path : List.of("api/failed", "api/scheduled", "api/task/{failed}", "api/task/{pending}",
                "api/schedules")) {
            Reply reply = get(e, ids(path));
            assertEquals(200, reply.status(), path);
            JsonNode body = json(reply);
            JsonNode first = body.isArray() ? body.get(0) : body.has("tasks") ? body.get("tasks").get(0)
                    : body.get("task");
            assertEquals(shown, first.has("args"), path + ": " + first);
            assertEquals(shown, reply.bodyText().contains("secret-"), path + ": " + reply.bodyText());
        }
        JsonNode pending = json(get(e, ids("api/task/{pending}")));
        assertEquals("pending", pending.get("state").asText());
        if (shown) {
            assertEquals("\"secret-pending\"", pending.get("task").get("args").asText());
            assertEquals("\"secret-schedule\"", json(get(e, "api/schedules")).get(0).get("args").asText());
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET  | api/failed?limit=abc               |                                      | limit must be a whole number
            GET  | api/failed?limit=0                 |                                      | limit must be a whole number
            GET  | api/scheduled?limit=1001           |                                      | limit must be a whole number
            GET  | api/failed?from=yesterday          |                                      | from must be an ISO-8601 instant
            GET  | api/failed?to=2026-13-01T00:00:00Z |                                      | to must be an ISO-8601 instant
            GET  | api/scheduled?keyPrefix=dbmq:x     |                                      | keyPrefix must not start with
            GET  | api/failed?name=%zz                |                                      | malformed %-escape
            GET  | api/history?limit=0                |                                      | limit must be a whole number
            GET  | api/history?limit=1001             |                                      | limit must be a whole number
            GET  | api/history?name=%zz               |                                      | malformed %-escape
            POST | api/failed/requeue                 | {}                                   | either ids or filter, had neither
            POST | api/failed/requeue                 | {"ids":[1],"filter":{}}              | either ids or filter, had both
            POST | api/failed/requeue                 | {"ids":[]}                           | ids must list 1 to
            POST | api/failed/delete                  | {"ids":"1"}                          | ids must be an array
            POST | api/failed/delete                  | {"ids":[1.5]}                        | ids must be an array
            POST | api/failed/requeue                 | {"filter":{"from":"x"}}              | filter.from must be an ISO-8601
            POST | api/failed/requeue                 | {"filter":{"name":""}}               | filter.name must be a non-empty
            POST | api/failed/delete                  | {"filter":{"colour":"red"}}          | unknown field "colour"
            POST | api/failed/delete                  | {"filter":[]}                        | filter must be a JSON object
            POST | api/failed/delete                  | {"ids":[1]                           | body is not valid JSON
            POST | api/failed/delete                  | [1,2]                                | body must be a JSON object
            POST | api/pending/cancel                 | {"filter":{"keyPrefix":"dbmq:x"}}    | filter.keyPrefix must not start with
            POST | api/pending/cancel                 | {"filter":{"reason":"x"}}            | unknown field "reason"
            POST | api/lanes/pause                    | {}                                   | body must be {"lane":"<name>"}
            POST | api/lanes/pause                    | {"lane":"bulk","x":1}                | body must be {"lane":"<name>"}
            POST | api/lanes/resume                   | {"lane":"a b"}                       | lane must be 1 to 100 characters
            """)
    void bad_input_is_a_400_naming_the_field(String method, String path, String body, String says) {
        Endpoints e = endpoints(Access.FULL);
        Reply reply = method.equals("GET") ? get(e, path) : post(e, path, body);
        assertEquals(400, reply.status(), reply.bodyText());
        assertTrue(json(reply).get("error").asText().contains(says), reply.bodyText());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RuntimeException", "AssertionError", "null"})
    void a_resolver_that_throws_or_returns_null_refuses_everything(String what) {
        Function<DashboardRequest, Access> resolver = r -> {
            switch (what) {
                case "RuntimeException" -> throw new IllegalStateException("the session store is down");
                case "AssertionError" -> throw new AssertionError("a test's resolver");
                default -> {
                    return null;
                }
            }
        };
        Endpoints e = Dashboard.builder(queue).access(resolver).build().endpoints();
        assertEquals(403, get(e, "").status());
        assertEquals(403, get(e, "api/overview").status());
        Reply post = call(e, "POST", "api/failed/requeue", Map.of("Host", HOST, "Content-Type", "application/json",
                "X-Dbmq-Csrf", "x"), "{\"filter\":{}}");
        assertEquals(403, post.status());
        assertEquals(3, queue.countFailed(FailedFilter.all()), "nothing was requeued");
    }

    @Test
    void the_resolver_sees_the_request() {
        java.util.List<DashboardRequest> seen = new java.util.ArrayList<>();
        Endpoints e = Dashboard.builder(queue).access(r -> {
            seen.add(r);
            return Access.READ_ONLY;
        }).build().endpoints();
        get(e, "api/failed?name=email");
        DashboardRequest r = seen.get(0);
        assertEquals("GET", r.method());
        assertEquals("api/failed", r.path());
        assertEquals(HOST, r.header("host").orElseThrow());
        assertEquals("127.0.0.1", r.remoteAddress());
    }

    @Test
    void every_reply_carries_the_security_headers_and_the_api_is_not_cached() {
        Endpoints full = endpoints(Access.FULL);
        List<Reply> replies = List.of(get(full, ""), get(full, "dashboard.js"), get(full, "api/overview"),
                get(full, "api/nothing"), get(full, "api/failed?limit=x"), get(full, "api/failed/requeue"),
                get(endpoints(Access.FORBIDDEN), "api/overview"), post(endpoints(Access.READ_ONLY),
                        "api/failed/delete", "{\"ids\":[1]}"));
        for (Reply r : replies) {
            assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " frame-ancestors 'none'", r.header("Content-Security-Policy"), r.status() + " " + r.bodyText());
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("no-referrer", r.header("Referrer-Policy"));
        }
        assertEquals("no-store", get(full, "api/overview").header("Cache-Control"));
        assertEquals("application/json; charset=utf-8", get(full, "api/overview").header("Content-Type"));
        assertEquals("text/html; charset=utf-8", get(full, "").header("Content-Type"));
    }

    @Test
    void the_page_has_no_inline_script_or_style_and_its_script_never_writes_markup() {
        String page = get(endpoints(Access.FULL), "").bodyText();
        assertTrue(page.contains("<script src=\"dashboard.js\" defer></script>"), page);
        assertFalse(page.matches("(?s).*<script>.*|.*<style.*|.*style=.*|.* on[a-z]+=.*"), page);
        String script = get(endpoints(Access.FULL), "dashboard.js").bodyText();
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")) {
            assertFalse(script.contains(sink), "dashboard.js uses " + sink);
        }
    }

    @Test
    void the_mount_point_without_its_slash_redirects_to_the_page() {
        Endpoints e = endpoints(Access.FULL);
        Reply reply = e.handle(new Call(new TestRequest("GET", "", Map.of(), null), "/ops/dbmq", "", null,
                () -> new ByteArrayInputStream(new byte[0])));
        assertEquals(308, reply.status());
        assertEquals("/ops/dbmq/", reply.header("Location"));
    }

    @Test
    void the_overview_counts_per_task_name_and_the_last_hours_throughput() {
        JsonNode o = json(get(timedEndpoints(Access.READ_ONLY), "api/overview"));
        assertEquals("2026-12-01T12:02:10Z", o.get("at").asText(), "the queue's clock");
        assertEquals(3, o.get("pending").asLong());
        assertEquals(1, o.get("due").asLong());
        assertEquals(2, o.get("scheduled").asLong());
        assertEquals(1, o.get("retrying").asLong());
        assertEquals(1, o.get("failedKept").asLong());
        assertEquals(60_000, o.get("oldestDueAgeMillis").asLong());
        assertEquals(10_000, o.get("countLimit").asInt());
        assertFalse(o.get("totalsAtLimit").asBoolean());
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        o.get("tasks").forEach(t -> byName.put(t.get("name").asText(), t));
        assertEquals(List.of("boom", "flaky", "ok"), List.copyOf(byName.keySet()));
        // name: pending, due, scheduled, retrying, running, failedKept, done, failed, donePerMinute, oldestDueAgeMillis
        assertEquals(List.of(2L, 1L, 1L, 0L, 0L, 0L, 5L, 0L, 2L, 60_000L), row(byName.get("ok")));
        assertEquals(List.of(1L, 0L, 1L, 1L, 0L, 0L, 0L, 0L, 0L, 0L), row(byName.get("flaky")));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 1L, 0L, 1L, 0L, 0L), row(byName.get("boom")));
        assertEquals(timed.findPending(flakyId).orElseThrow().dueAt().toString(),
                byName.get("flaky").get("nextDueAt").asText(), "its retry, ten minutes ± 10% after 12:01:10");
        assertEquals("2026-12-01T13:01:10Z", byName.get("ok").get("nextDueAt").asText());
        assertTrue(byName.get("boom").get("nextDueAt").isNull());

        JsonNode throughput = o.get("throughput");
        assertEquals("2026-12-01T11:03:00Z", throughput.get("from").asText(), "60 minutes, 12:02 the last");
        assertEquals(60, throughput.get("minutes").asInt());
        assertEquals("[{\"minute\":\"2026-12-01T12:00:00Z\",\"done\":3,\"failed\":0},"
                + "{\"minute\":\"2026-12-01T12:01:00Z\",\"done\":2,\"failed\":1}]",
                throughput.get("perMinute").toString(), "all names summed, only minutes with counts");
    }

    private static List<Long> row(JsonNode t) {
        List<Long> values = new ArrayList<>();
        for (String field : List.of("pending", "due", "scheduled", "retrying", "running", "failedKept", "done",
                "failed", "donePerMinute", "oldestDueAgeMillis")) {
            assertTrue(t.get(field).isIntegralNumber(), field + " is a number: " + t);
            values.add(t.get(field).asLong());
        }
        return values;
    }

    static Endpoints timedEndpoints(Access access) {
        return Dashboard.builder(timed).access(r -> access).build().endpoints();
    }

    @Test
    void the_history_lists_finished_attempts_newest_first_by_name_and_up_to_the_limit() {
        Endpoints e = timedEndpoints(Access.READ_ONLY);
        JsonNode all = json(get(e, "api/history"));
        assertEquals(100, all.get("limit").asInt());
        assertTrue(all.get("name").isNull());
        assertEquals(Duration.ofDays(1).toMillis(), all.get("retentionMillis").asLong());
        List<String> attempts = new ArrayList<>();
        all.get("attempts").forEach(a -> attempts.add(a.get("name").asText() + " " + a.get("attempt").asInt() + " "
                + a.get("outcome").asText() + " " + a.get("finishedAt").asText()));
        assertEquals(7, attempts.size(), attempts.toString());
        assertEquals(List.of("ok 1 SUCCEEDED 2026-12-01T12:00:10Z", "ok 1 SUCCEEDED 2026-12-01T12:00:10Z",
                "ok 1 SUCCEEDED 2026-12-01T12:00:10Z"), attempts.subList(4, 7), "the oldest last");
        assertEquals(List.of("boom 1 FAILED 2026-12-01T12:01:10Z", "flaky 1 RETRIED 2026-12-01T12:01:10Z"),
                attempts.subList(0, 4).stream().filter(a -> !a.startsWith("ok")).sorted().toList());

        JsonNode boom = json(get(e, "api/history?name=boom"));
        assertEquals("boom", boom.get("name").asText());
        assertEquals(1, boom.get("attempts").size());
        JsonNode failed = boom.get("attempts").get(0);
        assertEquals(boomId, failed.get("id").asLong());
        assertEquals("java.lang.IllegalStateException: " + HOSTILE, failed.get("error").asText(), "kept as it was");
        assertEquals("2026-12-01T12:01:10Z", failed.get("startedAt").asText());
        assertEquals("2026-12-01T12:01:10Z", failed.get("enqueuedAt").asText());
        assertEquals(0, failed.get("tookMillis").asLong(), "the clock stood still while it ran");
        assertTrue(failed.has("foremanId"), failed.toString());

        JsonNode two = json(get(e, "api/history?limit=2"));
        assertEquals(2, two.get("limit").asInt());
        assertEquals(json(get(e, "api/history")).get("attempts").get(0), two.get("attempts").get(0), "the newest");
        assertEquals(2, two.get("attempts").size());
        assertEquals(5, json(get(e, "api/history?name=ok&limit=10")).get("attempts").size());
        assertEquals(0, json(get(e, "api/history?name=nothing")).get("attempts").size());
        assertEquals(7, json(get(e, "api/history?name=")).get("attempts").size(), "an empty name is any name");
    }

    @Test
    void a_task_carries_its_attempts_and_one_only_the_history_knows_is_finished() {
        Endpoints e = timedEndpoints(Access.READ_ONLY);
        JsonNode done = json(get(e, "api/task/" + okIds.get(0)));
        assertEquals("finished", done.get("state").asText(), done.toString());
        assertEquals("ok", done.get("task").get("name").asText());
        assertEquals("SUCCEEDED", done.get("task").get("outcome").asText());
        assertEquals("2026-12-01T12:00:10Z", done.get("task").get("finishedAt").asText());
        assertEquals(1, done.get("attempts").size());
        assertEquals("SUCCEEDED", done.get("attempts").get(0).get("outcome").asText());
        assertTrue(done.get("attempts").get(0).get("error").isNull());

        JsonNode retrying = json(get(e, "api/task/" + flakyId));
        assertEquals("pending", retrying.get("state").asText());
        assertEquals(2, retrying.get("task").get("attempt").asInt());
        assertEquals(Task.DEFAULT_PRIORITY, retrying.get("task").get("priority").asInt(), "a pending task's priority");
        assertEquals("RETRIED", retrying.get("attempts").get(0).get("outcome").asText());
        assertEquals("java.lang.IllegalStateException: upstream timeout",
                retrying.get("attempts").get(0).get("error").asText());

        JsonNode failed = json(get(e, "api/task/" + boomId));
        assertEquals("failed", failed.get("state").asText());
        assertEquals("FAILED", failed.get("attempts").get(0).get("outcome").asText());

        long neverRan = timed.pendingTasks(dev.dbmq.PendingFilter.all().taskName("ok"), 10).get(0).id();
        JsonNode pending = json(get(e, "api/task/" + neverRan));
        assertEquals("pending", pending.get("state").asText());
        assertEquals(0, pending.get("attempts").size(), "no attempt yet");

        Reply gone = get(e, "api/task/999999");
        assertEquals(404, gone.status());
        assertTrue(json(gone).get("error").asText().contains("history has no attempt"), gone.bodyText());
    }

    @Test
    void foremen_lists_live_ones_and_a_closed_one_as_gone_and_stopped() throws Exception {
        try (TaskQueue q = TaskQueue.sqlite(dir.resolve("foremen.db"))) {
            Endpoints e = Dashboard.builder(q).access(r -> Access.READ_ONLY).build().endpoints();
            assertEquals("{\"live\":[],\"gone\":[]}", json(get(e, "api/foremen")).toString());
            Foreman foreman = Foreman.builder(q).workers(2).handle(OK, (String args) -> { }).start();
            JsonNode live;
            try {
                live = json(get(e, "api/foremen"));
                assertEquals(1, live.get("live").size(), live.toString());
                assertEquals(0, live.get("gone").size(), live.toString());
                JsonNode f = live.get("live").get(0);
                assertEquals(foreman.id(), f.get("id").asText());
                assertEquals(2, f.get("workers").asInt());
                assertEquals(0, f.get("busy").asInt());
                assertEquals("[\"ok\"]", f.get("handles").toString());
            } finally {
                foreman.close();
            }
            JsonNode after = json(get(e, "api/foremen"));
            assertEquals(0, after.get("live").size(), after.toString());
            assertEquals(1, after.get("gone").size(), after.toString());
            JsonNode g = after.get("gone").get(0);
            assertEquals(foreman.id(), g.get("id").asText());
            assertEquals("STOPPED", g.get("end").asText());
            assertEquals(live.get("live").get(0).get("startedAt"), g.get("startedAt"));
            Instant ended = Instant.parse(g.get("endedAt").asText());
            assertFalse(ended.isBefore(Instant.parse(g.get("startedAt").asText())), g.toString());
            assertEquals(2, g.get("workers").asInt());
        }
    }

    @Test
    void schedules_list_each_recurring_schedule_with_its_next_tick_and_when_its_instance_was_written() {
        JsonNode all = json(get(endpoints(Access.READ_ONLY), "api/schedules"));
        assertEquals(1, all.size(), all.toString());
        JsonNode s = all.get(0);
        assertEquals("hourly-report", s.get("name").asText());
        assertEquals("report", s.get("task").asText());
        assertEquals("every PT1H", s.get("schedule").asText());
        Instant written = Instant.parse(s.get("writtenAt").asText());
        assertEquals(written.plus(Duration.ofHours(1)), Instant.parse(s.get("nextDueAt").asText()),
                "an hour after the foreman's start wrote it");
        assertFalse(s.has("args"), "not without VIEW_ARGS");
    }
}
