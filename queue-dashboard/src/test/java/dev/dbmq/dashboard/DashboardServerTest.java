package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.TaskQueue;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server: the loopback address by default, and its token and basic auth. */
class DashboardServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "a-token-of-24-characters";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(URI uri, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void it_binds_the_loopback_address_by_default_and_close_frees_it() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            DashboardServer server = DashboardServer.builder(Dashboard.builder(queue).build()).start();
            URI url = server.url();
            try {
                assertEquals("127.0.0.1", server.address().getAddress().getHostAddress());
                assertEquals("127.0.0.1", url.getHost());
                assertEquals("/", url.getPath());
                HttpResponse<String> session = get(url.resolve("api/session"), null, null);
                assertEquals(200, session.statusCode(), "no auth asked for");
                assertEquals("[]", JSON.readTree(session.body()).get("actions").toString(), "READ_ONLY default");
            } finally {
                server.close();
                server.close(); // idempotent
            }
            assertThrows(ConnectException.class, () -> get(url.resolve("api/session"), null, null));
        }
    }

    @Test
    void a_token_is_asked_for_as_a_bearer_header_or_once_in_the_query_then_a_cookie() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"));
             DashboardServer server = DashboardServer.builder(Dashboard.builder(queue)
                     .access(r -> r.principal().isPresent() ? Access.FULL : Access.FORBIDDEN).build())
                     .token(TOKEN).start()) {
            URI api = server.url().resolve("api/session");
            HttpResponse<String> none = get(api, null, null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
            assertEquals(401, get(api, "Authorization", "Bearer not-" + TOKEN).statusCode());
            assertEquals(401, get(server.url().resolve("?token=wrong"), null, null).statusCode());

            HttpResponse<String> bearer = get(api, "Authorization", "Bearer " + TOKEN);
            assertEquals(200, bearer.statusCode());
            assertEquals("token", JSON.readTree(bearer.body()).get("principal").asText());

            HttpResponse<String> login = get(server.url().resolve("?token=" + TOKEN), null, null);
            assertEquals(303, login.statusCode());
            assertEquals("/", login.headers().firstValue("Location").orElseThrow(), "the token leaves the address");
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith(DashboardServer.COOKIE + "=") && cookie.contains("HttpOnly")
                    && cookie.contains("SameSite=Strict"), cookie);
            String pair = cookie.substring(0, cookie.indexOf(';'));
            assertFalse(pair.contains(TOKEN), "the cookie holds a session value, not the token");
            assertEquals(200, get(server.url(), "Cookie", pair).statusCode());
            assertEquals(200, get(api, "Cookie", "other=1; " + pair).statusCode());
            assertEquals(401, get(api, "Cookie", DashboardServer.COOKIE + "=forged").statusCode());
        }
    }

    @Test
    void basic_auth_is_asked_for_and_its_user_reaches_the_resolver() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"));
             DashboardServer server = DashboardServer.builder(Dashboard.builder(queue).access(r -> Access.FULL).build())
                     .basicAuth("ops", "pa55word").start()) {
            URI api = server.url().resolve("api/session");
            HttpResponse<String> none = get(api, null, null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"));
            assertEquals(401, get(api, "Authorization", basic("ops", "wrong")).statusCode());
            assertEquals(401, get(api, "Authorization", basic("root", "pa55word")).statusCode());
            HttpResponse<String> ok = get(api, "Authorization", basic("ops", "pa55word"));
            assertEquals(200, ok.statusCode());
            assertEquals("ops", JSON.readTree(ok.body()).get("principal").asText());
        }
    }

    @Test
    void bad_settings_are_refused_naming_the_setting() {
        TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"));
        try (queue) {
            DashboardServer.Builder b = DashboardServer.builder(Dashboard.builder(queue).build());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> b.token("short")).getMessage()
                    .startsWith("token must be at least 16 characters"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> b.port(70000)).getMessage()
                    .startsWith("port must be"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> b.basicAuth("a:b", "x")).getMessage()
                    .startsWith("user must be"));
            b.token(TOKEN).basicAuth("ops", "pa55word");
            assertTrue(assertThrows(IllegalStateException.class, b::start).getMessage().contains("choose one"));
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
