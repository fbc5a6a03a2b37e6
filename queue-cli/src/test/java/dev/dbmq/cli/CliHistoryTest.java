package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.Retry;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dbmq history} on SQLite: a task that failed once and then succeeded (ids[0]), one that succeeded at once
 * (ids[1]), both run by a {@link ManualForeman}, which writes the history when its run ends.
 */
class CliHistoryTest {

    record Args(int n) {
    }

    static final Task<Args> FLAKY = Task.of("flaky", Args.class).retry(Retry.fixed(Duration.ofMillis(1), 2));
    static final Task<Args> EMAIL = Task.of("email", Args.class);

    @TempDir
    Path dir;
    CliRunner cli;
    long[] ids;

    @BeforeEach
    void twoTasksRun() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            ids = new long[] {queue.enqueue(FLAKY, new Args(1)), queue.enqueue(EMAIL, new Args(2))};
            try (ManualForeman foreman = Foreman.builder(queue)
                    .handle(FLAKY, (a, ctx) -> {
                        if (ctx.attempt() == 1) {
                            throw new IllegalStateException("upstream timeout\nsecond line");
                        }
                    })
                    .handle(EMAIL, a -> { }).startManual()) {
                for (int i = 0; i < 100 && queue.recentHistory(10).size() < 3; i++) {
                    foreman.runPending(); // the retry is due 1 ms after the first attempt
                }
                assertEquals(3, queue.recentHistory(10).size(), "three attempts ran");
            }
        }
        cli = new CliRunner("--db", db.toString());
    }

    @Test
    void one_tasks_attempts_oldest_first_as_json() throws Exception {
        CliRunner.Run r = cli.run("history", "--json", Long.toString(ids[0]));
        assertEquals(0, r.exit(), r.toString());
        JsonNode attempts = new ObjectMapper().readTree(r.out()).get("attempts");
        assertEquals(2, attempts.size());
        assertEquals("RETRIED", attempts.get(0).get("outcome").asText());
        assertEquals("java.lang.IllegalStateException: upstream timeout\nsecond line",
                attempts.get(0).get("error").asText());
        assertEquals("SUCCEEDED", attempts.get(1).get("outcome").asText());
        assertEquals(2, attempts.get(1).get("attempt").asInt());
        assertTrue(attempts.get(1).get("error").isNull());
    }

    @Test
    void the_newest_attempts_by_name_and_of_all_as_text() {
        CliRunner.Run all = cli.run("history");
        assertEquals(0, all.exit(), all.toString());
        List<String> lines = all.out().lines().toList();
        assertEquals(4, lines.size(), all.out()); // header and three attempts
        assertTrue(lines.get(0).contains("outcome"), lines.get(0));
        assertTrue(all.out().contains("upstream timeout …"), "the error's first line: " + all.out());

        CliRunner.Run email = cli.run("history", "--name", "email");
        assertEquals(2, email.out().lines().count(), email.out());
        assertTrue(email.out().contains("SUCCEEDED"), email.out());
        assertEquals("no finished attempts of task 999 in the history\n", cli.run("history", "999").out());
    }

    @Test
    void bad_usage_exits_2() {
        assertEquals(2, cli.run("history", "--limit", "0").exit());
        assertEquals(2, cli.run("history", "--name", "email", "1").exit());
    }
}
