package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dbmq status} on SQLite: what it prints, its JSON, its exit codes, and the queues it refuses to open. */
class CliStatusTest {

    record Args(int n) {
    }

    static final Task<Args> DIGEST = Task.of("digest", Args.class);
    static final Task<Args> EMAIL = Task.of("email", Args.class);

    @TempDir
    Path dir;
    Path db;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        db = dir.resolve("queue.db");
        cli = new CliRunner("--db", db.toString());
    }

    /**
     * Three digests due an hour ago, an email that failed (kept), one scheduled in 90 minutes: by the system clock,
     * which the CLI's queue reads.
     */
    void fill() {
        SettableClock anHourAgo = new SettableClock(Instant.now().minus(Duration.ofHours(1)));
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(db).clock(anHourAgo).build())) {
            queue.enqueueAll(DIGEST, List.of(new Args(1), new Args(2), new Args(3)));
            queue.enqueue(EMAIL, new Args(4));
            try (ManualForeman foreman = Foreman.builder(queue)
                    .handle(EMAIL, a -> {
                        throw new IllegalStateException("timeout");
                    })
                    .startManual()) {
                assertEquals(1, foreman.runPending());
            }
            queue.enqueue(EMAIL, new Args(5), Enqueue.at(Instant.now().plus(Duration.ofMinutes(90))));
        }
    }

    @Test
    void status_prints_the_queue_at_a_glance() {
        fill();
        CliRunner.Run r = cli.run("status");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("queue        " + db.toAbsolutePath() + "\n"
                + "pending      4\n"
                + "  due        3\n"
                + "  scheduled  1 (next in "), out);
        assertTrue(out.contains("  retrying   0 (due or scheduled)\n"), out);
        assertTrue(out.matches("(?s).*\noldest due   (59\\.\\d|60\\.\\d) min\n.*"), "an hour: " + out);
        assertTrue(out.contains("running      0\nfailed kept  1\nforemen      0 live\n"), out);
        assertTrue(out.contains("task    pending  running  done  failed\n"
                + "digest        3        0     0       0\n"
                + "email         1        0     0       1\n"), out);
        assertEquals("", r.err());
    }

    /** Past the count limit of a name, status shows "at least", unless told to count every task. */
    @Test
    void status_counts_stop_at_the_limit_unless_exact() throws Exception {
        int over = dev.dbmq.TaskNameStats.COUNT_LIMIT + 5;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueueAll(DIGEST, java.util.stream.IntStream.range(0, over).mapToObj(Args::new).toList());
        }
        String limit = Integer.toString(dev.dbmq.TaskNameStats.COUNT_LIMIT);
        CliRunner.Run bounded = cli.run("status");
        assertEquals(0, bounded.exit(), bounded.toString());
        assertTrue(bounded.out().contains("pending      " + limit + "+\n"), bounded.out());
        assertTrue(bounded.out().contains("digest   " + limit + "+"), bounded.out());
        assertTrue(bounded.out().contains("N+: at least N; counts stop at " + limit + " a task name"), bounded.out());
        JsonNode json = new ObjectMapper().readTree(cli.run("status", "--json").out());
        assertFalse(json.get("countsExact").asBoolean());
        assertEquals(dev.dbmq.TaskNameStats.COUNT_LIMIT, json.get("pending").asLong());

        CliRunner.Run exact = cli.run("status", "--exact");
        assertTrue(exact.out().contains("pending      " + over + "\n"), exact.out());
        assertFalse(exact.out().contains("N+"), exact.out());
        JsonNode exactJson = new ObjectMapper().readTree(cli.run("status", "--exact", "--json").out());
        assertTrue(exactJson.get("countsExact").asBoolean());
        assertEquals(over, exactJson.at("/tasks/digest/pending").asLong());
    }

    /** --max-failed above the count limit: "at least 10,000" can't decide it, so status counts the failures. */
    @Test
    void max_failed_above_the_limit_counts_every_failure() throws Exception {
        int limit = dev.dbmq.TaskNameStats.COUNT_LIMIT;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueue(DIGEST, new Args(1));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + (limit + 5)
                    + ") INSERT INTO dbmq_failed_task (id, task_name, args, created_at, failed_at, reason)"
                    + " SELECT i, 'email', '{}', 0, 0, 'boom' FROM n");
        }
        CliRunner.Run under = cli.run("status", "--max-failed", Integer.toString(limit + 5));
        assertEquals(0, under.exit(), under.toString());
        assertTrue(under.out().contains("failed kept  " + (limit + 5) + "\n"), under.out());
        CliRunner.Run over = cli.run("status", "--max-failed", Integer.toString(limit + 4));
        assertEquals(1, over.exit(), over.toString());
        assertTrue(over.out().matches("(?s).*max-failed +" + (limit + 4) + " +" + (limit + 5) + " +FAILED.*"),
                over.out());
        CliRunner.Run below = cli.run("status", "--max-failed", "5");
        assertEquals(1, below.exit(), below.toString());
        assertTrue(below.out().contains("failed kept  " + limit + "+\n"), "no need to count: " + below.out());
    }

    @Test
    void status_json_has_every_field_and_iso_times() throws Exception {
        fill();
        CliRunner.Run r = cli.run("status", "--json", "--max-failed", "0");
        assertEquals(1, r.exit(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(db.toAbsolutePath().toString(), json.get("queue").asText());
        assertFalse(json.get("healthy").asBoolean());
        assertEquals(4, json.get("pending").asLong());
        assertEquals(3, json.get("due").asLong());
        assertEquals(1, json.get("scheduled").asLong());
        assertEquals(0, json.get("retrying").asLong());
        assertEquals(0, json.get("running").asLong());
        assertEquals(1, json.get("failedKept").asLong());
        assertEquals(0, json.get("liveForemen").asInt());
        Instant next = Instant.parse(json.get("nextDueAt").asText());
        assertTrue(next.isAfter(Instant.now().plus(Duration.ofMinutes(80))), next.toString());
        double age = json.get("oldestDueAgeSeconds").asDouble();
        assertTrue(age >= 3600 && age < 3600 + 600, "an hour: " + age);
        assertEquals(Duration.ofMillis((long) (age * 1000)), Duration.parse(json.get("oldestDueAge").asText()));
        assertEquals(3, json.at("/tasks/digest/pending").asLong());
        assertEquals(1, json.at("/tasks/email/failed").asLong());
        assertEquals("max-failed", json.at("/checks/0/check").asText());
        assertEquals("0", json.at("/checks/0/limit").asText());
        assertEquals("1", json.at("/checks/0/value").asText());
        assertFalse(json.at("/checks/0/ok").asBoolean());
    }

    @ParameterizedTest(name = "status {0} exits {1}")
    @CsvSource(delimiter = '|', value = {
            "''                          | 0",
            "--max-age 2h                | 0",
            "--max-age 30m               | 1",
            "--max-age PT90M             | 0",
            "--min-foremen 0             | 0",
            "--min-foremen 1             | 1",
            "--max-failed 1              | 0",
            "--max-failed 0              | 1",
            "--max-age 2h --max-failed 0 | 1",
            "--max-age soon              | 2",
            "--min-foremen -1            | 2",
            "--min-foremen many          | 2",
            "--frobnicate                | 2",
            "--schema public             | 2"})
    void status_exit_codes(String options, int exit) {
        fill();
        List<String> args = new ArrayList<>(List.of("status"));
        if (!options.isBlank()) {
            args.addAll(List.of(options.trim().split(" +")));
        }
        CliRunner.Run r = cli.run(args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.toString());
        if (exit == 1) {
            assertTrue(r.out().contains("FAILED"), r.out());
        }
        if (exit == 2) {
            assertTrue(r.err().startsWith("error: "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void a_live_foreman_passes_min_foremen() {
        fill();
        Task<Args> other = Task.of("other", Args.class);
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(other, a -> { }).start()) {
            CliRunner.Run r = cli.run("status", "--min-foremen", "1");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("foremen      1 live\n"), r.out());
            assertTrue(r.out().matches("(?s).*\nmin-foremen +1 +1 +ok\n.*"), r.out());
        }
    }

    @Test
    void options_go_before_or_after_the_command_name() {
        fill();
        CliRunner before = new CliRunner("--db", db.toString(), "--json");
        assertEquals(0, before.run("status").exit());
        CliRunner after = new CliRunner();
        CliRunner.Run r = after.run("status", "--db", db.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("{"), r.out());
    }

    @Test
    void the_database_may_come_from_DBMQ_DB() {
        fill();
        System.setProperty("DBMQ_DB", db.toString()); // as for the env variable: the system property, then the env
        try {
            CliRunner.Run r = new CliRunner().run("status");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("pending      4\n"), r.out());
        } finally {
            System.clearProperty("DBMQ_DB");
        }
    }

    @Test
    void read_commands_on_a_missing_file_exit_2_and_create_nothing() {
        Path missing = dir.resolve("sub/missing.db");
        for (String[] command : new String[][] {{"status"}, {"running"}, {"failed", "list"}, {"foremen"},
                {"failed", "requeue", "--all"}, {"cancel", "1"}}) {
            List<String> args = new ArrayList<>(List.of("--db", missing.toString()));
            args.addAll(List.of(command));
            CliRunner.Run r = new CliRunner().run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", command) + ": " + r);
            assertEquals("error: no queue database at " + missing + " (dbmq creates none: check --db, or start the"
                    + " application that owns the queue)\n", r.err());
        }
        assertFalse(Files.exists(missing.getParent()), "nothing created");
    }

    @Test
    void no_database_given_is_bad_usage() {
        CliRunner.Run r = new CliRunner().run("status");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: Missing --db"), r.err());
    }

    @Test
    void a_file_that_is_no_queue_is_refused_untouched() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)");
        }
        CliRunner.Run r = new CliRunner("--db", other.toString()).run("status");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("holds no dbmq queue (no dbmq_schema_history table)"), r.err());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
            assertFalse(st.executeQuery("SELECT 1 FROM sqlite_master WHERE name = 'dbmq_task'").next(),
                    "not migrated");
        }
    }

    /**
     * Why the CLI checks the version itself: TaskQueue.open (Flyway, which ignores "future" migrations by default)
     * opens a schema a newer dbmq migrated without a word. The CLI refuses it, and one that is behind, which
     * TaskQueue.open would migrate.
     */
    @Test
    void a_schema_of_another_version_is_refused_where_TaskQueue_open_would_accept_or_migrate_it() throws Exception {
        fill();
        String url = "jdbc:sqlite:" + db;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO dbmq_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) SELECT max(installed_rank) + 1, '99',"
                    + " 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 0, 1 FROM dbmq_schema_history");
        }
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(4, queue.pending(), "TaskQueue.open accepts a newer schema silently");
        }
        CliRunner.Run newer = cli.run("status");
        assertEquals(2, newer.exit(), newer.toString());
        assertTrue(newer.err().contains(" is at dbmq schema version 99, newer than this CLI's "), newer.err());
        assertTrue(newer.err().contains("use the dbmq CLI of the release that migrated it"), newer.err());

        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DELETE FROM dbmq_schema_history WHERE installed_rank >= (SELECT max(installed_rank) - 1"
                    + " FROM dbmq_schema_history)"); // version 99 and the newest real one
        }
        CliRunner.Run older = cli.run("failed", "list");
        assertEquals(2, older.exit(), older.toString());
        assertTrue(older.err().contains(", older than this CLI's "), older.err());
        assertTrue(older.err().contains("the CLI does not migrate"), older.err());
    }

    @Test
    void no_command_and_help_say_what_exit_codes_mean() {
        CliRunner.Run none = cli.run();
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("Missing command"), none.err());
        CliRunner.Run help = cli.run("status", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:\n  0  healthy"), help.out());
        assertTrue(help.out().contains("  1  a check failed\n"), help.out());
        assertTrue(cli.run("--help").out().contains("Exit codes:"), "the top-level help too");
    }
}
