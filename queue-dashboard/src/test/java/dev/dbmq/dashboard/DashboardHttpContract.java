package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import dev.dbmq.Enqueue;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.PendingFilter;
import dev.dbmq.PendingTask;
import dev.dbmq.TaskQueue;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard on the JDK's HTTP server, end to end through {@link HttpClient}, mounted under {@code /ops/dbmq}
 * behind the application's own basic-auth {@code Authenticator}: the principal reaches the resolver, and each
 * mutating call changes exactly what it names in the queue. Run once per database by its subclasses.
 */
abstract class DashboardHttpContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(
            StandardCharsets.UTF_8));

    /** A new, empty queue; closed by the test. */
    abstract TaskQueue openQueue() throws Exception;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void mounted_under_a_path_the_page_and_api_answer_and_each_mutation_changes_what_it_names() throws Exception {
        try (TaskQueue queue = openQueue()) {
            Fixtures.fail(queue, Fixtures.EMAIL, Map.of("e1", "smtp timeout (a)", "e2", "smtp timeout (b)",
                    "e3", "smtp refused"));
            Fixtures.fail(queue, Fixtures.REPORT, Map.of("r1", "disk full"));
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            HttpContext context = server.createContext("/ops/dbmq", Dashboard.builder(queue)
                    .access(r -> r.principal().filter(p -> p instanceof HttpPrincipal h && h.getUsername().equals("ops")).isPresent()
                            && r.nativeRequest() instanceof com.sun.net.httpserver.HttpExchange
                            ? Access.FULL : Access.READ_ONLY)
                    .build().httpHandler());
            context.setAuthenticator(new BasicAuthenticator("ops") {
                @Override
                public boolean checkCredentials(String user, String password) {
                    return user.equals("ops") && password.equals("s3cret");
                }
            });
            server.start();
            try {
                URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ops/dbmq");

                HttpResponse<String> redirect = get(URI.create(base + ""));
                assertEquals(308, redirect.statusCode());
                assertEquals("/ops/dbmq/", redirect.headers().firstValue("Location").orElseThrow());
                HttpResponse<String> page = get(URI.create(base + "/"));
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("<script src=\"dashboard.js\" defer></script>"), page.body());
                assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow()
                        .contains("script-src 'self'"));
                assertEquals(200, get(URI.create(base + "/dashboard.js")).statusCode());
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/api/session")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "the application's authenticator first");

                JsonNode session = json(get(URI.create(base + "/api/session")));
                assertEquals("ops", session.get("principal").asText());
                assertEquals("[\"CANCEL\",\"DELETE\",\"PAUSE\",\"REQUEUE\",\"VIEW_ARGS\"]", session.get("actions").toString());
                String token = session.get("csrfToken").asText();

                JsonNode failed = json(get(URI.create(base + "/api/failed?name=email&reason=timeout")));
                assertEquals(2, failed.get("matching").asInt());
                assertEquals(Set.of("\"e1\"", "\"e2\""), texts(failed.get("tasks"), "args"));
                assertTrue(failed.get("tasks").get(0).get("failedAt").asText().endsWith("Z"), "ISO-8601, UTC");

                String timeouts = "{\"filter\":{\"name\":\"email\",\"reason\":\"timeout\"}}";
                HttpResponse<String> forged = post(base + "/api/failed/requeue", token, timeouts,
                        "http://evil.example");
                assertEquals(403, forged.statusCode(), forged.body());
                assertEquals(4, queue.countFailed(FailedFilter.all()), "the forged call changed nothing");

                assertEquals(2, json(post(base + "/api/failed/requeue", token, timeouts, null)).get("count").asInt());
                List<PendingTask> pending = queue.pendingTasks(PendingFilter.all(), 10);
                assertEquals(Set.of("\"e1\"", "\"e2\""), pending.stream().map(PendingTask::args)
                        .collect(Collectors.toSet()), "exactly the two timeouts were requeued");
                assertEquals(Set.of("smtp refused", "disk full"), queue.failedTasks(FailedFilter.all(), 10).stream()
                        .map(f -> f.reason().replaceFirst("^handler threw java.lang.IllegalStateException: ", ""))
                        .collect(Collectors.toSet()));

                FailedTask report = queue.failedTasks(FailedFilter.all().taskName("report"), 1).get(0);
                JsonNode detail = json(get(URI.create(base + "/api/task/" + report.id())));
                assertEquals("failed", detail.get("state").asText());
                assertEquals("\"r1\"", detail.get("task").get("args").asText());
                assertEquals(1, json(post(base + "/api/failed/delete", token, "{\"ids\":[" + report.id() + "]}",
                        null)).get("count").asInt());
                assertEquals(List.of("email"), queue.failedTasks(FailedFilter.all(), 10).stream()
                        .map(FailedTask::taskName).toList());
                // no longer kept as failed, but its attempt is in the history: finished, not 404
                JsonNode deleted = json(get(URI.create(base + "/api/task/" + report.id())));
                assertEquals("finished", deleted.get("state").asText(), deleted.toString());
                assertEquals("FAILED", deleted.get("task").get("outcome").asText());
                assertEquals(1, deleted.get("attempts").size());
                assertEquals("FAILED", deleted.get("attempts").get(0).get("outcome").asText());

                JsonNode scheduled = json(get(URI.create(base + "/api/scheduled?name=email")));
                assertEquals(2, scheduled.get("tasks").size());
                assertEquals(2, json(post(base + "/api/pending/cancel", token, "{\"filter\":{\"name\":\"email\"}}",
                        null)).get("count").asInt());
                assertEquals(0, queue.pendingTasks(PendingFilter.all(), 10).size());

                long later = queue.enqueue(Fixtures.REPORT, "r2", Enqueue.after(Duration.ofHours(1)));
                assertEquals("pending", json(get(URI.create(base + "/api/task/" + later))).get("state").asText());
                JsonNode cancel = json(post(base + "/api/running/" + later + "/cancel", token, "{}", null));
                assertTrue(cancel.get("cancelled").asBoolean(), cancel.toString());
                assertTrue(queue.findPending(later).isEmpty(), "cancel(id) of a pending task deletes it");
                assertEquals(404, get(URI.create(base + "/api/task/" + later)).statusCode(),
                        "cancelled before it ran: neither held nor in the history");

                JsonNode overview = json(get(URI.create(base + "/api/overview")));
                assertEquals(1, overview.get("failedKept").asInt());
                assertEquals(0, overview.get("pending").asInt());
                assertEquals(0, overview.get("pausedLanes").size());
                queue.pause("bulk");
                JsonNode paused = json(get(URI.create(base + "/api/overview")));
                assertEquals("bulk", paused.at("/pausedLanes/0").asText(), "a paused lane is shown");
                queue.resume("bulk");
                assertEquals(0, json(get(URI.create(base + "/api/foremen"))).get("live").size(),
                        "a manual foreman is not listed");
                assertEquals(0, json(get(URI.create(base + "/api/running"))).size());
            } finally {
                server.stop(0);
            }
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", AUTH).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String uri, String token, String body, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", AUTH)
                .header("Content-Type", "application/json").header("X-Dbmq-Csrf", token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static Set<String> texts(JsonNode array, String field) {
        Set<String> out = new java.util.HashSet<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}
