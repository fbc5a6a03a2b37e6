package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as users run it: separate JVMs, talking only through the database and its wakeup directory. */
class TwoProcessEndToEndTest {

    static final Duration STARTUP = Duration.ofSeconds(30);
    static final Duration FINISH = Duration.ofSeconds(60);
    static final int SIGTERM_EXIT = 143;
    static final String URL = "(http://\\S+/)";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void events_posted_to_serve_are_digested_by_a_foreman_in_another_jvm() throws Exception {
        int n = 40;
        Path db = dir.resolve("queue.db");
        try (DemoProcess serve = DemoProcess.start(dir, "serve", "serve", "--port", "0", "--db", db.toString());
             DemoProcess foreman = DemoProcess.start(dir, "foreman", "foreman", "--db", db.toString())) {
            URI url = URI.create(serve.awaitLine("server running: " + URL, STARTUP));
            foreman.awaitLine("foreman running on", STARTUP);

            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/api/events"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"info\",\"message\":\"e2e " + i + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, r.statusCode(), r.body());
            }

            QueueStats stats;
            try (TaskQueue queue = TaskQueue.sqlite(db)) {
                stats = PollUntil.value(FINISH, queue::stats, s -> done(s, "digest") == n && done(s, "flaky") == n - 4
                        && failed(s, "flaky") == 4, "all digests and forwards done");
            }
            assertEquals(0, stats.pending());
            assertEquals(0, failed(stats, "digest"));
            assertEquals(4, stats.failedKept(), "flaky fails for event ids 7, 17, 27 and 37");

            assertEquals(SIGTERM_EXIT, serve.terminate(STARTUP));
            assertEquals(SIGTERM_EXIT, foreman.terminate(STARTUP));
            serve.awaitLine("^" + GracefulStop.STOPPED + "$", STARTUP);
            foreman.awaitLine("^" + GracefulStop.STOPPED + "$", STARTUP);
        }
    }

    @Test
    void demo_runs_server_and_foreman_in_one_jvm_and_stops_on_sigterm() throws Exception {
        Path db = dir.resolve("queue.db");
        try (DemoProcess demo = DemoProcess.start(dir, "demo", "demo", "--port", "0", "--db", db.toString())) {
            URI url = URI.create(demo.awaitLine("demo running: open " + URL, STARTUP));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/api/burst?events=20"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());

            try (TaskQueue queue = TaskQueue.sqlite(db)) {
                PollUntil.value(FINISH, queue::stats, s -> done(s, "digest") == 20 && done(s, "notify") == 4,
                        "20 digests and 4 notifications done");
            }
            assertEquals(SIGTERM_EXIT, demo.terminate(STARTUP));
            demo.awaitLine("^" + GracefulStop.STOPPED + "$", STARTUP);
        }
    }

    @Test
    void a_second_foreman_on_the_same_database_is_refused() throws Exception {
        Path db = dir.resolve("queue.db");
        try (DemoProcess first = DemoProcess.start(dir, "first", "foreman", "--db", db.toString())) {
            first.awaitLine("foreman running on", STARTUP);
            try (DemoProcess second = DemoProcess.start(dir, "second", "foreman", "--db", db.toString())) {
                assertEquals(1, second.awaitExit(STARTUP), second.log());
            }
            assertEquals(SIGTERM_EXIT, first.terminate(STARTUP));
        }
    }

    static long done(QueueStats s, String task) {
        return s.counts().getOrDefault(task, new QueueStats.TaskCounts(0, 0)).done();
    }

    static long failed(QueueStats s, String task) {
        return s.counts().getOrDefault(task, new QueueStats.TaskCounts(0, 0)).failed();
    }
}
