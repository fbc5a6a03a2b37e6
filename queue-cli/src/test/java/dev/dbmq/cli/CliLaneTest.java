package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbmq pause LANE}, {@code dbmq resume LANE}, and paused lanes in {@code status}. */
class CliLaneTest {

    @TempDir
    Path dir;
    Path db;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        db = dir.resolve("queue.db");
        TaskQueue.sqlite(db).close();
        cli = new CliRunner("--db", db.toString());
    }

    Set<String> paused() {
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            return queue.pausedLanes().keySet();
        }
    }

    @Test
    void pause_and_resume_a_lane() throws Exception {
        assertEquals(new CliRunner.Run(0, "lane bulk paused\n", ""), cli.run("pause", "bulk"));
        assertEquals(Set.of("bulk"), paused());
        assertEquals("lane bulk paused (it was paused already)\n", cli.run("pause", "bulk").out());
        CliRunner.Run status = cli.run("status");
        assertTrue(status.out().contains("\npaused       bulk (lanes: no foreman claims their tasks)\n"), status.out());
        JsonNode json = new ObjectMapper().readTree(cli.run("status", "--json").out());
        assertEquals("bulk", json.at("/pausedLanes/0").asText());

        assertEquals("lane bulk running\n", cli.run("resume", "bulk").out());
        assertEquals(Set.of(), paused());
        assertEquals("lane bulk running (it was not paused)\n", cli.run("resume", "bulk").out());
        assertTrue(!cli.run("status").out().contains("paused"), "no line when none is paused");
        JsonNode resumed = new ObjectMapper().readTree(cli.run("resume", "bulk", "--json").out());
        assertEquals(false, resumed.get("changed").asBoolean());
    }

    @Test
    void bad_usage_changes_nothing() {
        CliRunner.Run none = cli.run("pause");
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("error: Missing LANE: say which lane to pause\n"), none.err());
        CliRunner.Run bad = cli.run("pause", "no/slashes");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("error: lane must be 1 to 100 characters"), bad.err());
        assertEquals(Set.of(), paused());
    }
}
