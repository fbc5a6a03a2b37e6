package dev.dbmq.internal.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.CurrentSchemaTest;
import dev.dbmq.QueueInternals;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import dev.dbmq.TestTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new queue file starts as a copy of the database the build migrated ({@link SqliteTemplate}), not as an
 * empty file Flyway migrates. It must be the same database a migration here makes, and creating it must be safe when
 * two opens race for one new path.
 */
class SqliteTemplateTest {

    @TempDir
    Path dir;

    @Test
    void a_new_file_is_the_template_and_is_what_migrating_a_new_file_makes() throws Exception {
        Path fromTemplate = dir.resolve("template.db");
        Path migrated = dir.resolve("migrated.db");
        try (TaskQueue queue = TaskQueue.sqlite(fromTemplate)) {
            assertTrue(((SqliteDatabase) QueueInternals.database(queue)).createdFromTemplate(),
                    "the build's template is on the test classpath (queue-core's process-classes made it)");
            assertEquals(CurrentSchemaTest.NEWEST, QueueInternals.database(queue).schemaVersion());
        }
        try (SqliteDatabase db = new SqliteDatabase(QueueSettings.sqlite(migrated).build(), false)) {
            assertFalse(db.createdFromTemplate());
        }
        assertEquals(describe(migrated), describe(fromTemplate));
        try (TaskQueue queue = TaskQueue.sqlite(fromTemplate)) {
            assertFalse(((SqliteDatabase) QueueInternals.database(queue)).createdFromTemplate(), "it exists now");
            assertEquals(1, queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(7)), "ids start at 1");
            assertEquals(1, queue.pending());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fromTemplate)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".dbmq-new-")).toList(),
                    "no temporary file left");
        }
    }

    @Test
    void an_existing_empty_file_is_migrated_as_before() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.db"));
        try (TaskQueue queue = TaskQueue.sqlite(file)) {
            assertFalse(((SqliteDatabase) QueueInternals.database(queue)).createdFromTemplate());
            assertEquals(CurrentSchemaTest.NEWEST, QueueInternals.database(queue).schemaVersion());
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
            assertEquals(1, queue.pending());
        }
    }

    @Test
    void two_opens_racing_for_one_new_path_share_one_database_and_lose_nothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Path file = dir.resolve("race-" + round + ".db");
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> opens = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int n = t;
                    opens.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try (TaskQueue queue = TaskQueue.sqlite(file)) {
                            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(n));
                            return ((SqliteDatabase) QueueInternals.database(queue)).createdFromTemplate();
                        }
                    }));
                }
                int created = 0;
                for (Future<Boolean> f : opens) {
                    created += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertTrue(created <= 1, "round " + round + ": one file, created once, not " + created + " times");
                try (TaskQueue queue = TaskQueue.sqlite(file)) {
                    assertEquals(2, queue.pending(), "round " + round + ": both enqueues are in the one file");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".dbmq-new-")).toList(),
                    "no temporary file left");
        }
    }

    /** What makes two databases the same queue: schema, history rows without their times, header settings. */
    private static List<String> describe(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String pragma : List.of("journal_mode", "page_size", "auto_vacuum", "user_version", "encoding",
                    "application_id")) {
                try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
                    rs.next();
                    out.add(pragma + "=" + rs.getString(1));
                }
            }
            query(s, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name", 4, out);
            query(s, "SELECT installed_rank, version, description, type, script, checksum, success FROM "
                    + "dbmq_schema_history ORDER BY installed_rank", 7, out);
            for (String table : List.of("dbmq_task", "dbmq_failed_task", "dbmq_task_count", "sqlite_sequence")) {
                query(s, "SELECT COUNT(*) FROM " + table, 1, out);
            }
        }
        return out;
    }

    private static void query(Statement s, String sql, int columns, List<String> out) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
    }
}
