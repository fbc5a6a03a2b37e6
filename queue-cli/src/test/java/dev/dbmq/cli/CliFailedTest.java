package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dbmq failed list | requeue | delete} on SQLite, each filter on its own and together. Three tasks fail a day
 * apart, by the queue's clock; the CLI's clock is half a day after the last, so "2d" ago falls between the first two.
 */
class CliFailedTest {

    record Args(String reason) {
    }

    static final Task<Args> EMAIL = Task.of("email", Args.class);
    static final Task<Args> SMS = Task.of("sms", Args.class);
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;
    Path db;
    CliRunner cli;
    /** The failed tasks' ids, in the order they failed: #1, #2, #3 in the tables below. */
    long[] ids;

    @BeforeEach
    void threeFailedTasks() {
        db = dir.resolve("queue.db");
        SettableClock clock = new SettableClock(T0);
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(db).clock(clock).build());
             ManualForeman foreman = Foreman.builder(queue)
                     .handle(EMAIL, a -> {
                         throw new IllegalStateException(a.reason());
                     })
                     .handle(SMS, a -> {
                         throw new IllegalStateException(a.reason());
                     })
                     .startManual()) {
            ids = new long[] {queue.enqueue(EMAIL, new Args("timeout")), queue.enqueue(EMAIL, new Args("refused")),
                    queue.enqueue(SMS, new Args("timeout after 30 s"))};
            for (int i = 0; i < ids.length; i++) {
                clock.set(T0.plus(Duration.ofDays(i)));
                assertTrue(foreman.runNext());
            }
            assertEquals(3, queue.countFailed(FailedFilter.all()));
        }
        cli = new CliRunner("--db", db.toString());
        cli.clock.set(T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(12)));
    }

    /** The options with #n replaced by the n-th failed task's id. */
    String[] args(String command, String options) {
        List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
        for (String o : options.trim().split(" +")) {
            args.add(o.startsWith("#") ? Long.toString(ids[Integer.parseInt(o.substring(1)) - 1]) : o);
        }
        return args.toArray(String[]::new);
    }

    Set<Long> expected(String which) {
        return which.isBlank() ? Set.of() : Arrays.stream(which.trim().split(" +"))
                .map(n -> ids[Integer.parseInt(n.substring(1)) - 1]).collect(Collectors.toCollection(TreeSet::new));
    }

    Set<Long> keptFailed() {
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            return queue.failedTasks(FailedFilter.all(), 100).stream().map(FailedTask::id)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static final String FILTERS = """
            --name email                           | #1 #2
            --reason timeout                       | #1 #3
            --reason TIMEOUT                       | ''
            --failed-after 2d                      | #2 #3
            --failed-before 2d                     | #1
            --failed-after 2026-03-02T00:00:00Z    | #2 #3
            --failed-before 2026-03-02T01:00+01:00 | #1
            --id #1 --id #3                        | #1 #3
            --name email --reason timeout          | #1
            --name sms --failed-before 2d          | ''
            --name nobody                          | ''
            """;

    @ParameterizedTest(name = "failed list {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = FILTERS)
    void list_filters(String options, String which) throws Exception {
        CliRunner.Run r = cli.run(args("failed list --json", options));
        assertEquals(0, r.exit(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        Set<Long> listed = new TreeSet<>();
        json.get("failed").forEach(f -> listed.add(f.get("id").asLong()));
        assertEquals(expected(which), listed);
        assertEquals(listed.size(), json.get("matching").asInt());
    }

    @ParameterizedTest(name = "failed requeue {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = FILTERS)
    void requeue_filters(String options, String which) {
        CliRunner.Run r = cli.run(args("failed requeue", options));
        assertEquals(0, r.exit(), r.toString());
        int n = expected(which).size();
        assertEquals("requeued " + n + " failed task" + (n == 1 ? "" : "s") + "\n", r.out());
        Set<Long> left = new TreeSet<>(expected(" #1 #2 #3"));
        left.removeAll(expected(which));
        assertEquals(left, keptFailed());
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(n, queue.pending(), "each requeued as a new task");
        }
    }

    @ParameterizedTest(name = "failed delete {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = FILTERS)
    void delete_filters(String options, String which) throws Exception {
        CliRunner.Run r = cli.run(args("failed delete --json", options));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected(which).size(), new ObjectMapper().readTree(r.out()).get("deleted").asInt());
        Set<Long> left = new TreeSet<>(expected(" #1 #2 #3"));
        left.removeAll(expected(which));
        assertEquals(left, keptFailed());
    }

    @Test
    void list_prints_a_table_newest_first_and_says_when_the_limit_cut_it() {
        CliRunner.Run r = cli.run("failed", "list", "--limit", "2");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].matches("id +task +attempts +failed at +reason"), lines[0]);
        assertTrue(lines[1].matches(" *" + ids[2] + " +sms +1 +2026-03-03T00:00:00Z +handler threw"
                + " java.lang.IllegalStateException: timeout after 30 s"), lines[1]);
        assertTrue(lines[2].matches(" *" + ids[1] + " +email +1 +2026-03-02T00:00:00Z .*refused"), lines[2]);
        assertEquals("2 of 3 matching, newest first (--limit N lists more)", lines[3]);

        assertEquals("no kept failed task matches\n", cli.run("failed", "list", "--name", "nobody").out());
    }

    @Test
    void requeue_and_delete_without_a_filter_need_all() {
        for (String verb : List.of("requeue", "delete")) {
            CliRunner.Run r = cli.run("failed", verb);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().startsWith("error: " + verb + " needs a filter (--name, --reason, --failed-after,"
                    + " --failed-before, --id), or --all to " + verb + " every kept failed task; nothing was"
                    + " changed\n"), r.err());
            assertTrue(r.err().contains("Usage: dbmq failed " + verb), r.err());

            CliRunner.Run both = cli.run("failed", verb, "--all", "--name", "email");
            assertEquals(2, both.exit(), both.toString());
            assertTrue(both.err().startsWith("error: --all and a filter exclude each other (--name email)"),
                    both.err());
            assertEquals(expected("#1 #2 #3"), keptFailed(), "nothing changed");
        }
        assertEquals("requeued 3 failed tasks\n", cli.run("failed", "requeue", "--all").out());
        assertEquals(Set.of(), keptFailed());
    }

    @Test
    void delete_all_deletes_every_kept_failed_task() {
        assertEquals("deleted 3 failed tasks\n", cli.run("failed", "delete", "--all").out());
        assertEquals(Set.of(), keptFailed());
    }

    @ParameterizedTest(name = "failed {0}: exit 2")
    @CsvSource(delimiter = '|', textBlock = """
            list --failed-after yesterday         | is not a time: write an ISO-8601 instant
            list --failed-before 2026-13-01T00:00Z | is not an ISO-8601 instant
            list --limit 0                         | --limit must be from 1 to 10000, was 0
            list --id one                          | Invalid value for option '--id'
            requeue --reason ''                    | reasonContains
            delete --name ''                       | taskName
            ''                                     | Missing command
            """)
    void bad_usage_exits_2_and_changes_nothing(String args, String message) {
        List<String> all = new ArrayList<>(List.of("failed"));
        for (String a : args.trim().split(" +")) {
            if (!a.isEmpty()) {
                all.add(a.equals("''") ? "" : a);
            }
        }
        CliRunner.Run r = cli.run(all.toArray(String[]::new));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(expected("#1 #2 #3"), keptFailed());
    }
}
