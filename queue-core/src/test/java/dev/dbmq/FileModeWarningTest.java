package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue database that others can read (created by another tool, such as the Flyway command, under umask 022) is
 * reported once at WARN when a queue opens it, with the fix; its mode is left as it is.
 */
class FileModeWarningTest {

    @TempDir
    Path dir;

    @Test
    void a_database_file_readable_by_others_is_warned_about_once_with_the_fix_and_left_alone() throws Exception {
        Path db = dir.resolve("queue.db");
        TaskQueue.sqlite(db).close();
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));

        List<String> warnings = warningsOfAnOpen(db);

        assertEquals(1, warnings.size(), "one WARN line expected: " + warnings);
        String w = warnings.get(0);
        for (String part : List.of(db.toString(), "rw-r--r--", "chmod 600 " + db)) {
            assertTrue(w.contains(part), "'" + part + "' missing from: " + w);
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)), "mode changed");
    }

    @Test
    void a_wal_left_writable_by_others_is_warned_about() throws Exception {
        Path db = dir.resolve("queue.db");
        TaskQueue.sqlite(db).close(); // owner-only
        Path wal = dir.resolve("queue.db-wal");
        Files.createFile(wal); // an empty WAL, as a crashed process may leave behind
        Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-rw-rw-"));

        List<String> warnings = warningsOfAnOpen(db);

        assertEquals(1, warnings.size(), "one WARN line expected: " + warnings);
        String w = warnings.get(0);
        assertTrue(w.contains(wal + " (rw-rw-rw-)") && w.contains("chmod 600 " + wal), w);
        assertTrue(!w.contains(db + " ("), "the owner-only database is not named: " + w);
    }

    @Test
    void an_owner_only_database_opens_without_a_warning() throws Exception {
        Path db = dir.resolve("queue.db");
        assertEquals(List.of(), warningsOfAnOpen(db)); // created by the queue: 0600
        assertEquals(List.of(), warningsOfAnOpen(db));
    }

    /** Opens the queue in a child JVM at slf4j-simple's defaults; its WARN lines. */
    private List<String> warningsOfAnOpen(Path db) throws Exception {
        Path config = Files.createDirectories(dir.resolve("logging"));
        try (ChildJvm child = ChildJvm.startWithPlainLogging(config, "open-enqueue", db.toString())) {
            child.await("CLOSED");
            assertEquals(0, child.awaitExit(), "child failed: " + child.output);
            return child.output.stream().filter(l -> l.contains(" WARN ")).collect(Collectors.toList());
        }
    }
}
