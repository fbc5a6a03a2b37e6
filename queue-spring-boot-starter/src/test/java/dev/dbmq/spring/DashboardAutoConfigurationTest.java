package dev.dbmq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.FailedFilter;
import dev.dbmq.ForemanListener;
import dev.dbmq.TaskEvent;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.dashboard.Access;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The console in a real Spring Boot web application (embedded Tomcat, every auto-configuration the classpath brings):
 * one property serves it at /dbmq, read-only unless a {@link DashboardAccess} bean or {@code dbmq.dashboard.access}
 * says more; without the property, nothing is served.
 */
class DashboardAutoConfigurationTest {

    record Greet(String name) {
    }

    static final Task<Greet> GREET = Task.of("greet", Greet.class);

    @TempDir
    Path dir;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebApp {
        /** Counts the tasks kept as failed down: the test waits on it. */
        final java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);

        @Bean
        ForemanListener failures() {
            return new ForemanListener() {
                @Override
                public void taskFailed(TaskEvent.Failed event) {
                    failed.countDown();
                }
            };
        }

        @Bean
        TaskHandlerBean<Greet> greetHandler() {
            return TaskHandlerBean.of(GREET, g -> {
                throw new IllegalStateException("greeting " + g.name() + " timed out");
            });
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebAppWithAccess extends WebApp {
        @Bean
        DashboardAccess dashboardAccess() {
            return request -> request.header("X-Ops").isPresent() ? Access.FULL : Access.READ_ONLY;
        }
    }

    ConfigurableApplicationContext start(Class<?> app, String... properties) {
        return new SpringApplicationBuilder(app).properties("server.port=0", "spring.main.banner-mode=off",
                        "dbmq.sqlite.path=" + dir.resolve("queue.db"), "dbmq.foreman.poll-interval=1h",
                        // the test classpath has spring-boot-starter-jdbc (for other tests); this app has no database
                        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
                .properties(properties).run();
    }

    static String base(ConfigurableApplicationContext context, String path) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + path;
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Dbmq-Csrf", token).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(String url) throws Exception {
        Matcher m = Pattern.compile("\"csrfToken\"\\s*:\\s*\"([^\"]+)\"").matcher(get(url + "/api/session").body());
        assertTrue(m.find(), "a session token");
        return m.group(1);
    }

    /** A task kept as failed by the application's own foreman. */
    static void oneFailure(ConfigurableApplicationContext context) throws Exception {
        context.getBean(TaskQueue.class).enqueue(GREET, new Greet("ada"));
        assertTrue(context.getBean(WebApp.class).failed.await(30, java.util.concurrent.TimeUnit.SECONDS),
                "the failure kept within 30 s");
    }

    @Test
    void one_property_serves_the_console_read_only_at_dbmq() throws Exception {
        try (ConfigurableApplicationContext context = start(WebApp.class, "dbmq.dashboard.enabled=true")) {
            String url = base(context, "/dbmq");
            HttpResponse<String> page = get(url + "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("dashboard.js"), page.body());
            oneFailure(context);
            HttpResponse<String> failed = get(url + "/api/failed");
            assertEquals(200, failed.statusCode());
            assertTrue(failed.body().contains("timed out"), failed.body());
            assertFalse(failed.body().contains("\"args\""), "args hidden read-only: " + failed.body());
            HttpResponse<String> requeue = post(url + "/api/failed/requeue", token(url), "{\"filter\":{}}");
            assertEquals(403, requeue.statusCode(), requeue.body());
            assertEquals(1, context.getBean(TaskQueue.class).countFailed(FailedFilter.all()));
        }
    }

    @Test
    void a_dashboard_access_bean_decides_per_request() throws Exception {
        try (ConfigurableApplicationContext context = start(WebAppWithAccess.class, "dbmq.dashboard.enabled=true",
                "dbmq.dashboard.path=/ops/queue")) {
            String url = base(context, "/ops/queue");
            oneFailure(context);
            String token = token(url);
            assertEquals(403, post(url + "/api/failed/requeue", token, "{\"filter\":{}}").statusCode());
            HttpResponse<String> ops = post(url + "/api/failed/requeue", token, "{\"filter\":{}}", "X-Ops", "1");
            assertEquals(200, ops.statusCode(), ops.body());
            assertEquals("{\"count\":1}", ops.body().replace(" ", ""));
        }
    }

    @Test
    void without_the_property_nothing_is_served() throws Exception {
        try (ConfigurableApplicationContext context = start(WebApp.class)) {
            assertEquals(404, get(base(context, "/dbmq/api/overview")).statusCode());
            assertTrue(context.getBeansOfType(dev.dbmq.dashboard.Dashboard.class).isEmpty());
        }
    }

    @Test
    void a_bad_path_fails_the_start_naming_the_property() {
        Exception e = assertThrows(Exception.class, () -> start(WebApp.class, "dbmq.dashboard.enabled=true",
                "dbmq.dashboard.path=dbmq/"));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().startsWith("dbmq.dashboard.path must be"), root.getMessage());
    }
}
