package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.FailedFilter;
import dev.dbmq.TaskQueue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * resolver that throws. One SQLite queue for all, with three kept failed tasks and one pending task; the mutating
 * calls here name ids that match nothing, so they change nothing (what they change is the HTTP tests' subject).
 */
class DashboardEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.0.1:8080";

    @TempDir
    static java.nio.file.Path dir;

    static TaskQueue queue;
    static long failedId;
    static long pendingId;

    @BeforeAll
    static void queueWithFailedAndPendingTasks() {
        queue = TaskQueue.sqlite(dir.resolve("q.db"));
        Fixtures.fail(queue, Fixtures.EMAIL, Map.of("secret-email-1", "smtp timeout", "secret-email-2", "smtp refused"));
        Fixtures.fail(queue, Fixtures.REPORT, Map.of("secret-report", "disk full"));
        failedId = queue.failedTasks(FailedFilter.all().taskName("report"), 1).get(0).id();
        pendingId = queue.enqueue(Fixtures.EMAIL, "secret-pending", Enqueue.after(Duration.ofHours(1)).key("k:1"));
    }

    @AfterAll
    static void close() {
        queue.close();
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
        return path.replace("{failed}", Long.toString(failedId)).replace("{pending}", Long.toString(pendingId));
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
            GET  | api/task/{failed}          |                   | 200 | 200 | 403 | 200 | 200
            GET  | api/task/999999            |                   | 404 | 404 | 403 | 404 | 404
            GET  | api/nothing                |                   | 404 | 404 | 403 | 404 | 404
            POST | api/failed/requeue         | {"ids":[999999]}  | 200 | 403 | 403 | 200 | 403
            POST | api/failed/delete          | {"ids":[999999]}  | 200 | 403 | 403 | 403 | 200
            POST | api/pending/cancel         | {"ids":[999999]}  | 200 | 403 | 403 | 403 | 200
            POST | api/running/999999/cancel  | {}                | 200 | 403 | 403 | 403 | 200
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
        assertEquals("[\"CANCEL\",\"DELETE\",\"REQUEUE\",\"VIEW_ARGS\"]",
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
        for (String path : List.of("api/failed", "api/scheduled", "api/task/{failed}", "api/task/{pending}")) {
            Reply reply = get(e, ids(path));
            assertEquals(200, reply.status(), path);
            JsonNode body = json(reply);
            JsonNode first = body.has("tasks") ? body.get("tasks").get(0) : body.get("task");
            assertEquals(shown, first.has("args"), path + ": " + first);
            assertEquals(shown, reply.bodyText().contains("secret-"), path + ": " + reply.bodyText());
        }
        JsonNode pending = json(get(e, ids("api/task/{pending}")));
        assertEquals("pending", pending.get("state").asText());
        if (shown) {
            assertEquals("\"secret-pending\"", pending.get("task").get("args").asText());
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
    void the_overview_counts_per_task_name() {
        JsonNode o = json(get(endpoints(Access.READ_ONLY), "api/overview"));
        assertEquals(3, o.get("failedKept").asLong());
        assertEquals(1, o.get("pending").asLong());
        assertEquals(1, o.get("scheduled").asLong());
        assertEquals(0, o.get("foremen").asLong());
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        o.get("tasks").forEach(t -> byName.put(t.get("name").asText(), t));
        assertEquals(List.of("email", "report"), List.copyOf(byName.keySet()));
        assertEquals(2, byName.get("email").get("failedKept").asLong());
        assertEquals(1, byName.get("email").get("pending").asLong());
        assertEquals(2, byName.get("email").get("failed").asLong());
        assertEquals(1, byName.get("report").get("failedKept").asLong());
        assertTrue(byName.get("report").get("scheduled").isNull(), "not in QueueStats per name yet");
        assertNotNull(o.get("oldestDueAge"));
    }
}
