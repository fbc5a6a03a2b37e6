package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.FailedFilter;
import dev.dbmq.TaskQueue;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The servlet adapter, called as a container calls it ({@code service(request, response)}) with a minimal fake
 * request and response made with {@link Proxy}: no embedded servlet container resolves offline here (Jetty 12's and
 * Tomcat's jars are not in the build's repository), and what is tested is this module's mapping of a servlet request
 * to the dashboard (mount point from context and servlet path, principal, headers, body) and of its reply back. Also:
 * the rest of the dashboard loads and serves where the servlet API is absent.
 */
class DashboardServletTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What the fake response got. */
    static final class Captured {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        JsonNode json() throws Exception {
            return JSON.readTree(body.toByteArray());
        }
    }

    /** A request to {@code /app/dbmq<pathInfo>} (context {@code /app}, servlet mapped at {@code /dbmq/*}). */
    static HttpServletRequest request(String method, String pathInfo, String query, Map<String, String> headers,
                                      String body, Principal user) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ServletInputStream stream = new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read() {
                return in.read();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(DashboardServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getContextPath" -> "/app";
                    case "getServletPath" -> "/dbmq";
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> "/app/dbmq" + (pathInfo == null ? "" : pathInfo);
                    case "getQueryString" -> query;
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey()
                            .equalsIgnoreCase((String) args[0])).map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getRemoteAddr" -> "10.0.0.7";
                    case "getUserPrincipal" -> user;
                    case "getInputStream" -> stream;
                    case "toString" -> "fake request " + method + " " + pathInfo;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("the fake request has no " + m.getName());
                });
    }

    static HttpServletResponse response(Captured captured) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(int b) {
                captured.body.write(b);
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(DashboardServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "setStatus" -> {
                        captured.status = (Integer) args[0];
                        yield null;
                    }
                    case "setHeader" -> {
                        captured.headers.put((String) args[0], (String) args[1]);
                        yield null;
                    }
                    case "setContentLength" -> null;
                    case "getOutputStream" -> out;
                    case "toString" -> "fake response";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("the fake response has no " + m.getName());
                });
    }

    static Captured serve(HttpServlet servlet, HttpServletRequest request) throws Exception {
        Captured captured = new Captured();
        servlet.service(request, response(captured));
        return captured;
    }

    @Test
    void the_servlet_answers_below_its_mapping_with_the_containers_principal() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            Fixtures.fail(queue, Fixtures.EMAIL, Map.of("e1", "smtp timeout", "e2", "smtp refused"));
            List<DashboardRequest> seen = new ArrayList<>();
            HttpServlet servlet = Dashboard.builder(queue).access(r -> {
                seen.add(r);
                return r.principal().map(Principal::getName).filter("alice"::equals).isPresent()
                        ? Access.FULL : Access.READ_ONLY;
            }).build().servlet();
            Principal alice = () -> "alice";

            Captured redirect = serve(servlet, request("GET", null, "x=1", Map.of(), null, alice));
            assertEquals(308, redirect.status);
            assertEquals("/app/dbmq/?x=1", redirect.headers.get("Location"));

            Captured page = serve(servlet, request("GET", "/", null, Map.of(), null, alice));
            assertEquals(200, page.status);
            assertEquals("text/html; charset=utf-8", page.headers.get("Content-Type"));
            assertTrue(page.headers.get("Content-Security-Policy").contains("frame-ancestors 'none'"));

            Captured session = serve(servlet, request("GET", "/api/session", null, Map.of(), null, alice));
            assertEquals(200, session.status);
            assertEquals("alice", session.json().get("principal").asText());
            assertEquals("no-store", session.headers.get("Cache-Control"));
            DashboardRequest last = seen.get(seen.size() - 1);
            assertEquals("api/session", last.path());
            assertEquals("10.0.0.7", last.remoteAddress());
            assertTrue(last.nativeRequest() instanceof HttpServletRequest);
            String token = session.json().get("csrfToken").asText();

            Map<String, String> json = Map.of("Content-Type", "application/json", "X-Dbmq-Csrf", token);
            String refused = "{\"filter\":{\"reason\":\"refused\"}}";
            Captured bob = serve(servlet, request("POST", "/api/failed/requeue", null, json, refused, () -> "bob"));
            assertEquals(403, bob.status, "bob is read-only");
            Captured wrongToken = serve(servlet, request("POST", "/api/failed/requeue", null,
                    Map.of("Content-Type", "application/json", "X-Dbmq-Csrf", "guess"), refused, alice));
            assertEquals(403, wrongToken.status);
            assertEquals(2, queue.countFailed(FailedFilter.all()), "neither changed anything");

            Captured requeued = serve(servlet, request("POST", "/api/failed/requeue", null, json, refused, alice));
            assertEquals(200, requeued.status, requeued.body.toString(StandardCharsets.UTF_8));
            assertEquals(1, requeued.json().get("count").asInt());
            assertEquals(1, queue.countFailed(FailedFilter.all().reasonContains("timeout")));
            assertEquals(0, queue.countFailed(FailedFilter.all().reasonContains("refused")));

            Captured failed = serve(servlet, request("GET", "/api/failed", "name=email&limit=5", Map.of(), null,
                    alice));
            assertEquals(1, failed.json().get("matching").asInt());
            assertEquals("\"e1\"", failed.json().get("tasks").get(0).get("args").asText());
        }
    }

    @Test
    void each_call_gives_a_new_servlet_of_the_same_dashboard() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            Dashboard dashboard = Dashboard.builder(queue).build();
            HttpServlet a = dashboard.servlet();
            HttpServlet b = dashboard.servlet();
            assertTrue(a != b);
            String tokenA = serve(a, request("GET", "/api/session", null, Map.of(), null, null)).json()
                    .get("csrfToken").asText();
            String tokenB = serve(b, request("GET", "/api/session", null, Map.of(), null, null)).json()
                    .get("csrfToken").asText();
            assertEquals(tokenA, tokenB, "one dashboard, one token");
            assertSame(dashboard.httpHandler(), dashboard.httpHandler());
        }
    }

    /**
     * Dashboard names HttpServlet only as {@code servlet()}'s return type: loading and verifying it, and the rest of
     * the module but the servlet adapter, must not need the servlet API (an application on the JDK's server has none).
     * A direct {@code return new DashboardServlet(…)} there would make the verifier load HttpServlet, and this fail.
     */
    @Test
    void the_dashboard_loads_where_the_servlet_api_is_absent() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("jakarta.servlet-api")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("jakarta.servlet.http.HttpServlet"));
            for (String name : List.of("Dashboard", "Dashboard$Builder", "ExchangeAdapter", "Endpoints",
                    "DashboardServer", "Access")) {
                Class<?> c = Class.forName("dev.dbmq.dashboard." + name, true, loader); // loads, verifies, initialises
                assertSame(loader, c.getClassLoader());
            }
            assertThrows(NoClassDefFoundError.class,
                    () -> Class.forName("dev.dbmq.dashboard.DashboardServlet", true, loader),
                    "the servlet adapter alone needs it: the check above is not vacuous");
        }
    }
}
