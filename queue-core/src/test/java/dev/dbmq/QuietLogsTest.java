package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that opens a queue and enqueues, with slf4j-simple at its defaults (INFO, nothing configured),
 * sees one line from dbmq and nothing from the libraries behind it (no jOOQ banner or tips, no Flyway INFO lines).
 * Tagged {@code jdk21}: what the JVM itself prints differs on newer JDKs (JDK 24+ warns about native access
 * unless allowed), so CI runs it on the newest JDK too.
 */
@Tag("jdk21")
class QuietLogsTest {

    @TempDir
    Path dir;

    @Test
    void opening_a_queue_logs_one_info_line_and_nothing_from_jooq_or_flyway() throws Exception {
        Path config = Files.createDirectories(dir.resolve("logging"));
        Path db = dir.resolve("queue.db");
        List<String> output;
        try (ChildJvm child = ChildJvm.startWithPlainLogging(config, "open-enqueue", db.toString())) {
            child.await("CLOSED");
            assertEquals(0, child.awaitExit(), "child failed: " + child.output);
            output = child.output;
        }
        String all = String.join("\n", output);
        // slf4j-simple's default format: "[thread] LEVEL logger - message"
        List<String> dbmqInfo = output.stream().filter(l -> l.contains(" INFO dev.dbmq.")).collect(Collectors.toList());
        assertEquals(1, dbmqInfo.size(), "one dbmq INFO line expected; output:\n" + all);
        String opened = dbmqInfo.get(0);
        for (String part : List.of("opened", db.toString(), "schema version " + CurrentSchemaTest.NEWEST, "synchronous=NORMAL")) {
            assertEquals(true, opened.contains(part), "'" + part + "' missing from: " + opened);
        }
        List<String> foreign = output.stream()
                .filter(l -> l.contains("org.jooq") || l.contains("org.flywaydb") || l.contains("jOOQ")
                        || l.contains("@@") || l.contains("tip of the day"))
                .collect(Collectors.toList());
        assertEquals(List.of(), foreign, "jOOQ or Flyway lines; output:\n" + all);
        assertEquals(List.of(dbmqInfo.get(0), "CLOSED"), output, "nothing else expected; output:\n" + all);
    }

    @Test
    void a_foreman_says_when_it_starts_and_stops_in_plain_units_and_jooq_says_nothing() throws Exception {
        Path config = Files.createDirectories(dir.resolve("logging"));
        Path db = dir.resolve("queue.db");
        List<String> output;
        try (ChildJvm child = ChildJvm.startWithPlainLogging(config, "log-foreman", db.toString())) {
            child.await("DRAINED");
            child.terminate(); // SIGTERM: the shutdown hook stops it gracefully
            child.awaitExit();
            output = List.copyOf(child.output);
        }
        String all = String.join("\n", output);
        List<String> foreign = output.stream().filter(l -> l.contains("org.jooq") || l.contains("org.flywaydb")
                || l.contains("Version")).toList();
        assertEquals(List.of(), foreign, "jOOQ or Flyway lines; output:\n" + all);
        String starting = output.stream().filter(l -> l.contains("starting on")).findFirst().orElseThrow();
        for (String part : List.of("gracefulTimeout=10 s", "pollInterval=1 s", "unhandledTimeout=14 d")) {
            assertTrue(starting.contains(part), "'" + part + "' missing from: " + starting);
        }
        assertTrue(output.stream().anyMatch(l -> l.contains("stopping (graceful timeout 10 s)")), all);
        assertFalse(all.contains("PT"), "ISO-8601 durations; output:\n" + all);
        assertFalse(all.contains("backlog"), "no backlog at start, so no word of one; output:\n" + all);
        // slf4j-simple writes the thread's name first: what a 15-character log pattern keeps of it says what it is
        assertTrue(output.stream().anyMatch(l -> l.startsWith("[dbmq-shutdown] INFO dev.dbmq.Foreman")), all);
    }

    @Test
    void a_backlog_at_start_is_announced_and_its_end_too() throws Exception {
        Path config = Files.createDirectories(dir.resolve("logging"));
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueueAll(TestTasks.ECHO, java.util.stream.IntStream.range(0, 500)
                    .mapToObj(TestTasks.Echo::new).toList());
        }
        try (ChildJvm child = ChildJvm.startWithPlainLogging(config, "log-foreman", db.toString())) {
            child.await("DRAINED");
            String all = String.join("\n", child.output);
            int clearing = indexOf(child.output, "tasks were due at start; clearing the backlog");
            int cleared = indexOf(child.output, "backlog cleared in ");
            assertTrue(clearing >= 0 && cleared > clearing, "announced, then its end; output:\n" + all);
            child.terminate();
            child.awaitExit();
        }
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
