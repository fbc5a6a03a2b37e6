package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.PendingFilter;
import dev.dbmq.PendingTask;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code dbmq cancel} on SQLite: one task by id, and pending tasks by filters. Four pending tasks: #1 a trial digest
 * due now, #2 a trial digest due in 2 h, #3 a keyed email due tomorrow, #4 an email due now.
 */
class CliCancelTest {

    record Args(int n) {
    }

    static final Task<Args> DIGEST = Task.of("digest", Args.class);
    static final Task<Args> EMAIL = Task.of("email", Args.class);

    @TempDir
    Path dir;
    Path db;
    CliRunner cli;
    long[] ids;

    @BeforeEach
    void fourPendingTasks() {
        db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            ids = new long[] {queue.enqueue(DIGEST, new Args(1), Enqueue.now().key("trial:1")),
                    queue.enqueue(DIGEST, new Args(2), Enqueue.after(Duration.ofHours(2)).key("trial:2")),
                    queue.enqueue(EMAIL, new Args(3), Enqueue.after(Duration.ofDays(1)).key("other:1")),
                    queue.enqueue(EMAIL, new Args(4))};
        }
        cli = new CliRunner("--db", db.toString());
    }

    Set<Long> pending() {
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            return queue.pendingTasks(PendingFilter.all(), 100).stream().map(PendingTask::id)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    Set<Long> ids(String which) {
        return which.isBlank() ? Set.of() : Arrays.stream(which.trim().split(" +"))
                .map(n -> ids[Integer.parseInt(n.substring(1)) - 1]).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void cancel_one_by_id_then_again_exits_1() {
        CliRunner.Run r = cli.run("cancel", Long.toString(ids[1]));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("cancelled task " + ids[1] + " (if it was running, it is asked to stop)\n", r.out());
        assertEquals(ids("#1 #3 #4"), pending());

        CliRunner.Run again = cli.run("cancel", Long.toString(ids[1]));
        assertEquals(1, again.exit(), again.toString());
        assertEquals("no pending or running task has id " + ids[1] + " (it finished, was kept as failed, or never"
                + " existed)\n", again.err());
    }

    @Test
    void cancel_one_as_json() throws Exception {
        JsonNode json = new ObjectMapper().readTree(cli.run("cancel", "--json", Long.toString(ids[0])).out());
        assertEquals(ids[0], json.get("id").asLong());
        assertTrue(json.get("cancelled").asBoolean());
        CliRunner.Run again = cli.run("cancel", "--json", Long.toString(ids[0]));
        assertEquals(1, again.exit());
        assertTrue(!new ObjectMapper().readTree(again.out()).get("cancelled").asBoolean());
    }

    @ParameterizedTest(name = "cancel {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --name digest                  | #1 #2
            --key-prefix trial:            | #1 #2
            --key-prefix other             | #3
            --due-after +1h                | #2 #3
            --due-before +1h               | #1 #4
            --due-after +1h --due-before +3h | #2
            --name email --due-before +1h  | #4
            --name nobody                  | ''
            --all                          | #1 #2 #3 #4
            """)
    void bulk_cancel_by_filters(String options, String which) throws Exception {
        List<String> args = new ArrayList<>(List.of("cancel", "--json"));
        args.addAll(List.of(options.trim().split(" +")));
        CliRunner.Run r = cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(ids(which).size(), new ObjectMapper().readTree(r.out()).get("cancelled").asInt());
        Set<Long> left = new TreeSet<>(ids("#1 #2 #3 #4"));
        left.removeAll(ids(which));
        assertEquals(left, pending());
    }

    @Test
    void bulk_cancel_prints_the_count() {
        assertEquals("cancelled 2 pending tasks\n", cli.run("cancel", "--name", "email").out());
        assertEquals("cancelled 0 pending tasks\n", cli.run("cancel", "--name", "email").out());
    }

    @ParameterizedTest(name = "cancel {0}: exit 2")
    @CsvSource(delimiter = '|', textBlock = """
            ''                        | cancel needs an ID, a filter (--name, --key-prefix, --due-after, --due-before), or --all
            --all --name digest       | --all and a filter exclude each other
            1 --name digest           | cancel ID cancels one task: leave out the filters and --all
            1 --all                   | cancel ID cancels one task
            --key-prefix dbmq:nightly | keyPrefix must not start with "dbmq:"
            --due-after someday       | is not a time
            """)
    void bad_usage_exits_2_and_cancels_nothing(String options, String message) {
        List<String> args = new ArrayList<>(List.of("cancel"));
        if (!options.isBlank()) {
            args.addAll(List.of(options.trim().split(" +")));
        }
        CliRunner.Run r = cli.run(args.toArray(String[]::new));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(ids("#1 #2 #3 #4"), pending());
    }
}
