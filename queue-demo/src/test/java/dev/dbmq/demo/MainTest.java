package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Schedule;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI, run in-process with its output captured. */
class MainTest {

    @TempDir
    Path dir;

    Path db;

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    String db() {
        db = dir.resolve("sub/queue.db");
        return db.toString();
    }

    @Test
    void no_command_prints_usage_and_exits_2() {
        Run r = run();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing command"), r.err());
        assertTrue(r.err().contains("Usage: dbmq-demo"), r.err());
    }

    @Test
    void an_unknown_command_prints_usage_and_exits_2() {
        Run r = run("frobnicate");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unmatched argument at index 0: 'frobnicate'"), r.err());
        assertTrue(r.err().contains("Usage: dbmq-demo"), r.err());
    }

    @Test
    void migrate_creates_the_database_and_its_directory() {
        Run r = run("migrate", "--db", db());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(db));
        assertTrue(r.out().startsWith("queue database ready: "), r.out());
        assertEquals(0, run("migrate", "--db", db()).exit(), "again: nothing to do");
    }

    @Test
    void enqueue_adds_a_task_and_status_shows_it() {
        run("migrate", "--db", db());
        Run r = run("enqueue", "--db", db(), "digest", "{\"eventId\":7,\"level\":\"error\",\"message\":\"m\"}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("enqueued digest as task 1\n", r.out());

        Run status = run("status", "--db", db());
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("pending      1\n"), status.out());
        assertTrue(status.out().contains("failed kept  0\n"), status.out());
    }

    @Test
    void status_shows_due_scheduled_and_retrying_tasks_and_the_next_due_time() {
        run("migrate", "--db", db());
        // A foreman whose clock is an hour ahead runs event 3's notification, whose first attempt fails: its retry,
        // due an hour and a second from now by the system clock that `status` reads, stays scheduled for this test.
        SettableClock ahead = new SettableClock(Instant.now().plus(Duration.ofHours(1)));
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(db).clock(ahead).build())) {
            queue.enqueue(Notify.TASK, new Notify(3, "m"));
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                assertEquals(1, foreman.runPending());
            }
        }
        Instant inHalfAnHour;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueue(Digest.TASK, new Digest(1, "info", "now"));
            inHalfAnHour = Instant.now().plus(Duration.ofMinutes(30));
            queue.enqueue(Flaky.TASK, new Flaky(2), Enqueue.at(inHalfAnHour));
        }

        Run status = run("status", "--db", db());
        assertEquals(0, status.exit(), status.err());
        String out = status.out();
        assertTrue(out.contains("pending      3\n"
                + "  due        1\n"
                + "  scheduled  2\n"
                + "  retrying   1 (due or scheduled)\n"), out);
        // the earliest of the two scheduled tasks, in minutes (at most a few seconds have passed)
        String at = " (" + inHalfAnHour.truncatedTo(ChronoUnit.SECONDS) + ")\n";
        assertTrue(out.contains("next due     in 30.0 min" + at) || out.contains("next due     in 29.9 min" + at), out);
        assertTrue(out.matches("(?s).*\noldest task  \\d+\\.\\d s\n.*"), "the due digest's age: " + out);
        assertTrue(out.contains("failed kept  0\n"), "a retry is not a failure: " + out);
    }

    @Test
    void status_words_a_wait_in_seconds_minutes_or_hours() {
        assertEquals("0.0 s", StatusCommand.untilWords(Duration.ofMillis(-5)), "a time just passed");
        assertEquals("1.5 s", StatusCommand.untilWords(Duration.ofMillis(1500)));
        assertEquals("99.9 s", StatusCommand.untilWords(Duration.ofMillis(99_900)));
        assertEquals("1.7 min", StatusCommand.untilWords(Duration.ofSeconds(100)));
        assertEquals("1.7 h", StatusCommand.untilWords(Duration.ofMinutes(100)));
    }

    @Test
    void enqueue_refuses_unknown_tasks_and_bad_json_with_usage() {
        run("migrate", "--db", db());
        Run unknown = run("enqueue", "--db", db(), "dance", "{}");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown task \"dance\"; the demo's tasks are digest, notify, flaky"),
                unknown.err());
        assertTrue(unknown.err().contains("Usage: dbmq-demo enqueue"), unknown.err());

        Run badJson = run("enqueue", "--db", db(), "digest", "{eventId:");
        assertEquals(2, badJson.exit());
        assertTrue(badJson.err().contains("JSON is not valid args for digest"), badJson.err());

        Run badLevel = run("enqueue", "--db", db(), "digest", "{\"eventId\":1,\"level\":\"loud\",\"message\":\"\"}");
        assertEquals(2, badLevel.exit());
        assertTrue(badLevel.err().contains("level must be one of debug, info, warning, error, fatal; was \"loud\""),
                badLevel.err());

        Run missingArg = run("enqueue", "--db", db(), "digest");
        assertEquals(2, missingArg.exit());
        assertTrue(missingArg.err().contains("Missing required parameter: 'JSON'"), missingArg.err());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(0, queue.pending());
        }
    }

    @Test
    void enqueue_refuses_fields_the_task_does_not_have_and_fields_it_lacks() {
        run("migrate", "--db", db());
        Run misspelt = run("enqueue", "--db", db(), "digest", "{\"eventid\":3}");
        assertEquals(2, misspelt.exit());
        assertTrue(misspelt.err().contains("JSON is not valid args for digest: unknown field \"eventid\"; the fields"
                + " of digest are \"eventId\", \"level\", \"message\""), misspelt.err());

        Run extra = run("enqueue", "--db", db(), "digest",
                "{\"eventId\":3,\"level\":\"error\",\"message\":\"m\",\"colour\":\"red\"}");
        assertEquals(2, extra.exit());
        assertTrue(extra.err().contains("unknown field \"colour\""), extra.err());

        Run missing = run("enqueue", "--db", db(), "digest", "{\"level\":\"error\",\"message\":\"m\"}");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing creator property 'eventId'"), missing.err());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(0, queue.pending(), "nothing was enqueued");
        }
    }

    @Test
    void commands_on_a_missing_database_fail_without_creating_it() {
        Run r = run("status", "--db", db());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: no queue database at "), r.err());
        assertTrue(Files.notExists(db));
    }

    @Test
    void failed_list_and_requeue() {
        run("migrate", "--db", db());
        assertEquals("no failed tasks\n", run("failed", "list", "--db", db()).out());
        long failedId;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            failedId = queue.enqueue(Flaky.TASK, new Flaky(17));
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                foreman.runPending();
            }
        }
        Run list = run("failed", "list", "--db", db());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(failedId + " "), list.out());
        assertTrue(list.out().contains("integration unavailable for event 17"), list.out());

        Run requeue = run("failed", "requeue", "--db", db(), String.valueOf(failedId));
        assertEquals(0, requeue.exit(), requeue.err());
        assertTrue(requeue.out().startsWith("requeued failed task " + failedId + " as task "), requeue.out());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(1, queue.pending());
            assertEquals(0, queue.stats().failedKept());
        }

        Run again = run("failed", "requeue", "--db", db(), String.valueOf(failedId));
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("no failed task with id " + failedId), again.err());

        assertEquals(2, run("failed").exit(), "a subcommand is required");
        assertEquals(2, run("failed", "requeue", "--db", db(), "seven").exit());
        assertEquals(2, run("failed", "list", "--db", db(), "--limit", "0").exit());
    }

    @Test
    void cancel_takes_an_id_or_a_key_and_exits_1_when_no_pending_task_matches() {
        run("migrate", "--db", db());
        long byId;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            byId = queue.enqueue(Digest.TASK, new Digest(1, "info", "m"), Enqueue.after(Duration.ofHours(1)));
            queue.enqueue(Digest.TASK, new Digest(2, "info", "m"), Enqueue.after(Duration.ofHours(1)).key("digest:2"));
        }
        Run r = run("cancel", "--db", db(), String.valueOf(byId));
        assertEquals(0, r.exit(), r.err());
        assertEquals("cancelled task " + byId + " (if it was running, it is asked to stop)\n", r.out());
        Run again = run("cancel", "--db", db(), String.valueOf(byId));
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("error: no pending or running task with id " + byId), again.err());

        Run key = run("cancel", "--db", db(), "--key", "digest:2");
        assertEquals(0, key.exit(), key.err());
        assertEquals("cancelled the pending task with key digest:2\n", key.out());
        Run keyAgain = run("cancel", "--db", db(), "--key", "digest:2");
        assertEquals(1, keyAgain.exit());
        assertTrue(keyAgain.err().startsWith("error: no pending task holds key digest:2"), keyAgain.err());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(0, queue.pending());
        }
    }

    @Test
    void cancel_refuses_neither_or_both_of_id_and_key_and_a_key_the_queue_refuses_with_usage() {
        run("migrate", "--db", db());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueue(Digest.TASK, new Digest(1, "info", "m"), Enqueue.after(Duration.ofHours(1)).key("digest:1"));
        }
        Run neither = run("cancel", "--db", db());
        assertEquals(2, neither.exit());
        assertTrue(neither.err().contains("Missing required argument"), neither.err());
        assertTrue(neither.err().contains("Usage: dbmq-demo cancel"), neither.err());

        Run both = run("cancel", "--db", db(), "1", "--key", "digest:1");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("mutually exclusive"), both.err());

        Run reserved = run("cancel", "--db", db(), "--key", "dbmq:recurring:nightly-digest");
        assertEquals(2, reserved.exit());
        assertTrue(reserved.err().contains("--key: key must not start with \"dbmq:\" (reserved for recurring"
                + " schedules: unschedule(scheduleName) removes one)"), reserved.err());
        assertTrue(reserved.err().contains("Usage: dbmq-demo cancel"), reserved.err());

        assertEquals(2, run("cancel", "--db", db(), "seven").exit());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(1, queue.pending(), "nothing was cancelled");
        }
    }

    @Test
    void unschedule_removes_a_schedule_and_exits_1_when_it_has_no_pending_instance() {
        run("migrate", "--db", db());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            Foreman.builder(queue).handle(Digest.TASK, a -> { })
                    .recurring("nightly-digest", Schedule.every(Duration.ofDays(1)), Digest.TASK,
                            new Digest(0, "info", "nightly"))
                    .startManual().close();
            assertEquals(1, queue.pending(), "the schedule's instance");
        }
        Run r = run("unschedule", "--db", db(), "nightly-digest");
        assertEquals(0, r.exit(), r.err());
        assertEquals("removed recurring schedule nightly-digest; a foreman that registers it writes it again when it"
                + " starts\n", r.out());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(0, queue.pending());
        }
        Run again = run("unschedule", "--db", db(), "nightly-digest");
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("error: recurring schedule nightly-digest has no pending instance"),
                again.err());

        Run bad = run("unschedule", "--db", db(), "nightly digest");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("scheduleName must be 1 to 100 characters of [A-Za-z0-9_.:-]"), bad.err());
        assertTrue(bad.err().contains("Usage: dbmq-demo unschedule"), bad.err());
        Run missing = run("unschedule", "--db", db());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required parameter: 'NAME'"), missing.err());
    }

    @Test
    void failed_list_says_how_many_it_shows_of_how_many() {
        run("migrate", "--db", db());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            for (int i = 0; i < 25; i++) {
                queue.enqueue(Flaky.TASK, new Flaky(10L * i + 7)); // every one fails
            }
            try (ManualForeman foreman = DemoForeman.builder(queue).startManual()) {
                assertEquals(25, foreman.runPending());
            }
        }
        Run list = run("failed", "list", "--db", db());
        assertEquals(0, list.exit(), list.err());
        assertEquals(1 + 20 + 1, list.out().lines().count(), list.out()); // header, 20 rows, the count
        assertTrue(list.out().endsWith("showing 20 of 25 failed tasks, newest first (--limit N shows more)\n"),
                list.out());
        Run all = run("failed", "list", "--db", db(), "--limit", "100");
        assertTrue(all.out().endsWith("showing 25 of 25 failed tasks, newest first\n"), all.out());
    }

    @Test
    void status_of_an_empty_queue_says_so_instead_of_an_empty_table() {
        run("migrate", "--db", db());
        Run status = run("status", "--db", db());
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().contains("pending      0 (the queue is empty)\n"), status.out());
        assertTrue(status.out().contains("  due        0\n  scheduled  0\n  retrying   0 (due or scheduled)\n"),
                status.out());
        assertTrue(status.out().contains("next due     - (nothing scheduled)\n"), status.out());
        assertTrue(status.out().contains("oldest task  -\n"), status.out());
        assertTrue(status.out().endsWith("\nno task has run yet\n"), status.out());
        assertTrue(!status.out().contains("done"), "no bare table header: " + status.out());
    }

    @Test
    void bad_options_print_usage_and_exit_2() {
        Run port = run("serve", "--port", "70000", "--db", db());
        assertEquals(2, port.exit());
        assertTrue(port.err().contains("--port must be from 0 to 65535, was 70000"), port.err());
        assertTrue(port.err().contains("Usage: dbmq-demo serve"), port.err());

        Run workers = run("foreman", "--workers", "0", "--db", db());
        assertEquals(2, workers.exit());
        assertTrue(workers.err().contains("--workers must be from 1 to 1024, was 0"), workers.err());

        Run events = run("load", "--events", "0");
        assertEquals(2, events.exit());
        assertTrue(events.err().contains("--events must be from 1 to 1000000, was 0"), events.err());

        Run missing = run("load");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required option: '--events=N'"), missing.err());

        Run url = run("load", "--events", "1", "--url", "ftp://example.org/");
        assertEquals(2, url.exit());
        assertTrue(url.err().contains("--url must be an http(s) URL"), url.err());
        assertTrue(Files.notExists(db), "nothing was started");
    }

    @Test
    void load_sends_events_and_summarises() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"));
             DemoServer server = DemoServer.start(queue, new InetSocketAddress("127.0.0.1", 0), null)) {
            Run r = run("load", "--events", "30", "--concurrency", "4", "--url", server.url().toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().startsWith("sent 30, accepted 30, in "), r.out());
            assertTrue(r.out().contains(" events/s"), r.out());
            assertTrue(r.err().contains("[" + "#".repeat(30) + "] 30/30"), r.err());
            assertEquals(30, queue.pending());
        }
    }

    @Test
    void load_fails_when_no_server_listens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("load", "--events", "5", "--url", "http://127.0.0.1:" + port + "/");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("sent 0, accepted 0"), r.out());
        assertTrue(r.out().contains("first problem: cannot reach"), r.out());
    }

    @Test
    void load_draws_a_progress_bar() {
        assertEquals("[" + ".".repeat(30) + "] 0/10", LoadCommand.bar(0, 10));
        assertEquals("[" + "#".repeat(15) + ".".repeat(15) + "] 5/10", LoadCommand.bar(5, 10));
    }
}
