package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium: the DOM after the page's script has fetched /api/status and
 * rendered it. Skipped when Debian's chromium is not installed ({@code apt-get install -y chromium}). Tagged
 * {@code browser}: a plain {@code mvn verify} leaves it out, {@code -Pci} (CI, which installs Chromium) runs it.
 */
@Tag("browser")
class StatusPageChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    @Test
    void the_page_renders_the_queue_state_its_script_fetched() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            // 10 events: 10 digests, 10 forwards of which event 7's fails, notifications for events 5 and 10 (errors)
            EventIngest ingest = new EventIngest();
            queue.enqueueAll(Digest.TASK, ingest.burst(10));
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                assertEquals(10 + 10 + 2, foreman.runPending());
            }
            queue.enqueueAll(Digest.TASK, ingest.burst(3)); // left pending
            try (DemoServer server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0),
                    new DemoServer.Workers(4, () -> 2, () -> Foreman.State.FAILED,
                            () -> java.util.Map.of("new-type", 628L)))) {
                String dom = dumpDom(server.url().toString());

                assertTrue(dom.contains("data-loaded=\"true\""), "the script ran and rendered:\n" + dom);
                assertEquals("3", text(dom, "pending"));
                assertEquals("3", text(dom, "due"));
                assertEquals("0", text(dom, "scheduled"));
                assertEquals("0", text(dom, "retrying"), "the notifications of events 5 and 10 succeed at once");
                assertEquals("none scheduled", text(dom, "next-due"));
                assertEquals("2 of 4", text(dom, "workers-busy"));
                assertEquals("failed", text(dom, "foreman-state")); // a dead foreman thread shows
                assertEquals("new-type 628", text(dom, "unhandled")); // tasks no handler here takes
                assertEquals("1", text(dom, "failed-kept"));
                assertTrue(text(dom, "connection").startsWith("live, updated "), dom);
                String tasks = text(dom, "task-rows");
                assertTrue(tasks.contains("<td>digest</td><td class=\"num\">10</td><td class=\"num\">0</td>"), tasks);
                assertTrue(tasks.contains("<td>flaky</td><td class=\"num\">9</td><td class=\"num\">1</td>"), tasks);
                assertTrue(tasks.contains("<td>notify</td><td class=\"num\">2</td>"), tasks);
                String failures = text(dom, "failure-rows");
                assertTrue(failures.contains("<td>flaky</td>"), failures);
                assertTrue(failures.contains("integration unavailable for event 7"), failures);
            }
        }
    }

    @Test
    void the_page_flags_a_stalled_queue_labels_its_rate_window_and_draws_axes() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build())) {
            queue.enqueueAll(Digest.TASK, new EventIngest().burst(3));
            try (DemoServer server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null, clock)) {
                clock.advance(Duration.ofSeconds(31)); // no foreman: nothing finishes
                long at = clock.millis();
                HttpClient http = HttpClient.newHttpClient();
                PollUntil.value(Duration.ofSeconds(10), () -> {
                    try {
                        return http.send(HttpRequest.newBuilder(server.url().resolve("/api/status")).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, body -> body.contains("\"sampledAt\":" + at + ","), "sampled at the advanced time");
                String dom = dumpDom(server.url().toString());

                assertTrue(dom.contains("data-loaded=\"true\""), "the script ran and rendered:\n" + dom);
                assertEquals("Stalled: 3 tasks due, the oldest for 31.0 s, and none finished in the last 30.0 s."
                        + " Is a foreman running on this database?", text(dom, "stalled"));
                assertEquals("done, last 31 s", text(dom, "head-done-window"), "the window the data covers");
                assertEquals("failed, last 31 s", text(dom, "head-failed-window"));
                String time = text(dom, "axis-time");
                assertTrue(time.contains(">now</text>") && time.contains(">5 min ago</text>"), time);
                String count = text(dom, "axis-count"); // 3 pending: a scale of 0, 2, 4
                assertTrue(count.contains(">pending</text>") && count.contains(">0</text>")
                        && count.contains(">2</text>") && count.contains(">4</text>"), count);
                assertTrue(text(dom, "axis-rate").contains(">per second</text>"), dom);
            }
        }
    }

    @Test
    void a_queue_that_is_not_stalled_shows_no_flag() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"));
             DemoServer server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null)) {
            String dom = dumpDom(server.url().toString());
            assertTrue(dom.contains("<div id=\"stalled\" role=\"alert\" hidden=\"\">"), dom);
        }
    }

    /** The element's inner HTML, from the dumped DOM. */
    static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</(div|span|tbody|th|g)>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "no element #" + id + " in:\n" + dom);
        return m.group(1);
    }

    private String dumpDom(String url) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                "--virtual-time-budget=5000", "--dump-dom", url));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium.log").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes(); // returns when chromium closes its stdout
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not exit");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));
        return new String(out, StandardCharsets.UTF_8);
    }
}
