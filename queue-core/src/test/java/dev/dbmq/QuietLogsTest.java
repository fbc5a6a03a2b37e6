package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        for (String part : List.of("opened", db.toString(), "schema version 4", "synchronous=NORMAL")) {
            assertEquals(true, opened.contains(part), "'" + part + "' missing from: " + opened);
        }
        List<String> foreign = output.stream()
                .filter(l -> l.contains("org.jooq") || l.contains("org.flywaydb") || l.contains("jOOQ")
                        || l.contains("@@") || l.contains("tip of the day"))
                .collect(Collectors.toList());
        assertEquals(List.of(), foreign, "jOOQ or Flyway lines; output:\n" + all);
        assertEquals(List.of(dbmqInfo.get(0), "CLOSED"), output, "nothing else expected; output:\n" + all);
    }
}
