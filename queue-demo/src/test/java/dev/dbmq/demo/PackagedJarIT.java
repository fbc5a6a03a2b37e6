package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar that {@code mvn package} builds, run as the README runs it: {@code java -jar dbmq-demo.jar …}.
 * Runs in the integration-test phase (maven-failsafe-plugin), after the jar is built; the pom passes its path.
 */
class PackagedJarIT {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int SIGTERM_EXIT = 143;

    @TempDir
    Path dir;

    static Path jar() {
        String path = System.getProperty("dbmq.demo.jar");
        assertTrue(path != null, "dbmq.demo.jar is not set: run this test through `mvn verify` (failsafe)");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), jar + " is missing: `mvn package` builds it");
        return jar;
    }

    String run(String... args) throws Exception {
        try (DemoProcess p = DemoProcess.startJar(dir, args[0], jar(), args)) {
            String out = p.awaitRestOfOutput(TIMEOUT);
            assertEquals(0, p.awaitExit(TIMEOUT), out + p.log());
            return out;
        }
    }

    @Test
    void the_jar_migrates_enqueues_and_reports_status() throws Exception {
        String db = dir.resolve("queue.db").toString();
        assertTrue(run("migrate", "--db", db).startsWith("queue database ready: "));
        assertEquals("enqueued digest as task 1\n",
                run("enqueue", "--db", db, "digest", "{\"eventId\":1,\"level\":\"error\",\"message\":\"m\"}"));
        String status = run("status", "--db", db);
        assertTrue(status.contains("pending      1\n"), status);
        assertTrue(status.contains("failed kept  0\n"), status);
    }

    @Test
    void the_jar_serves_the_status_page_and_api() throws Exception {
        String db = dir.resolve("queue.db").toString();
        try (DemoProcess serve = DemoProcess.startJar(dir, "serve", jar(), "serve", "--port", "0", "--db", db)) {
            URI url = URI.create(serve.awaitLine("server running: (http://\\S+/)", TIMEOUT));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>dbmq demo"), "status.html is in the jar");
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(url.resolve("/api/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"pending\":0"), status.body());
            assertEquals(SIGTERM_EXIT, serve.terminate(TIMEOUT));
        }
    }
}
