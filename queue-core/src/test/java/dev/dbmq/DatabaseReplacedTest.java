package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database file replaced under a running queue by a restored backup ({@code mv backup.db queue.db}). The old
 * file's WAL is still next to the new file: reopening over it shows the old file's pages instead of the backup's, and
 * the next checkpoint writes them into the backup. So the queue refuses every further use, and the backup's tasks
 * are all there once everything is stopped and the file is opened afresh.
 */
class DatabaseReplacedTest {

    private static final int BACKUP_TASKS = 50;
    private static final Set<Integer> BACKUP_ARGS = IntStream.range(1000, 1000 + BACKUP_TASKS).boxed()
            .collect(Collectors.toCollection(TreeSet::new));

    @TempDir
    Path dir;

    /** A backup with pending tasks: one self-contained file, as its last close checkpointed and removed its WAL. */
    private Path backupWithPendingTasks() {
        Path backup = dir.resolve("backup.db");
        try (TaskQueue queue = TaskQueue.sqlite(backup)) {
            BACKUP_ARGS.forEach(n -> queue.enqueue(ECHO, new Echo(n)));
        }
        assertFalse(Files.exists(dir.resolve("backup.db-wal")), "the backup should be one self-contained file");
        return backup;
    }

    private static void restore(Path backup, Path db) throws Exception {
        Files.move(backup, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void assertRefusedAsReplaced(TaskQueue queue, Path db) {
        DbmqException e = assertThrows(DbmqException.class, () -> queue.enqueue(ECHO, new Echo(-1)),
                "enqueue on " + db + " after it was replaced");
        System.out.println("replaced: " + e.getMessage());
        assertTrue(e.getMessage().contains(db + " was replaced") && e.getMessage().contains("WAL")
                && e.getMessage().contains("Stop every process using " + db), e.getMessage());
        DbmqException again = assertThrows(DbmqException.class, queue::pending, "a later use of the same queue");
        assertTrue(again.getMessage().contains("was replaced"), again.getMessage());
    }

    /** Everything is stopped: opened afresh, the backup's tasks are all pending, and all run. */
    private static void assertTheBackupsTasksAllRun(Path db) {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(BACKUP_TASKS, queue.pending(), "pending tasks of the restored backup, opened afresh");
            try (Foreman f = Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).listener(recorder)
                    .stopOnShutdown(false).start()) {
                recorder.awaitCount("succeeded", BACKUP_TASKS);
            }
            assertEquals("ok", queue.database().autocommit(d -> d.fetchValue("pragma integrity_check")));
        }
        assertEquals(BACKUP_ARGS, new TreeSet<>(ran));
    }

    @Test
    void a_file_replaced_under_a_queue_and_its_foreman_is_refused_and_the_backups_tasks_all_survive()
            throws Exception {
        Path db = dir.resolve("queue.db");
        Path backup = backupWithPendingTasks();
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman f = Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder)
                     .pollInterval(Duration.ofHours(1)).stopOnShutdown(false).start()) {
            for (int i = 0; i < 20; i++) {
                queue.enqueue(ECHO, new Echo(i)); // enqueued and claimed: the WAL holds the task table's pages
            }
            recorder.awaitCount("succeeded", 20);
            restore(backup, db);
            assertRefusedAsReplaced(queue, db);
        }
        assertTheBackupsTasksAllRun(db);
    }

    @Test
    void a_file_replaced_while_another_processs_foreman_has_it_open_is_refused_and_the_backups_tasks_all_survive()
            throws Exception {
        Path db = dir.resolve("queue.db");
        Path backup = backupWithPendingTasks();
        try (ChildJvm other = ChildJvm.start("foreman", db.toString())) {
            other.await("STARTED");
            try (TaskQueue queue = TaskQueue.sqlite(db)) {
                for (int i = 0; i < 20; i++) {
                    queue.enqueue(ECHO, new Echo(i));
                }
                other.await("ECHO 19"); // claimed in the other process: its writes are in the WAL too
                restore(backup, db);
                assertRefusedAsReplaced(queue, db);
            }
            other.terminate(); // stop every process using it, as the message says
            other.awaitExit();
        }
        assertTheBackupsTasksAllRun(db);
    }

    @Test
    void a_file_moved_away_then_replaced_is_refused_and_both_files_keep_their_tasks() throws Exception {
        Path db = dir.resolve("queue.db");
        Path old = dir.resolve("old.db");
        Path backup = backupWithPendingTasks();
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            for (int i = 0; i < 20; i++) {
                queue.enqueue(ECHO, new Echo(i)); // in queue.db-wal, not yet in the file
            }
            Files.move(db, old, StandardCopyOption.ATOMIC_MOVE); // mv queue.db old.db
            DbmqException gone = assertThrows(DbmqException.class, () -> queue.enqueue(ECHO, new Echo(-1)));
            assertTrue(gone.getMessage().contains("is gone"), gone.getMessage());
            restore(backup, db);
            assertRefusedAsReplaced(queue, db);
        }
        assertTheBackupsTasksAllRun(db);
        try (TaskQueue moved = TaskQueue.sqlite(old)) {
            assertEquals(20, moved.pending(), "tasks the moved file had in queue.db-wal, checkpointed into it");
        }
    }
}
