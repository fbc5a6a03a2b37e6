package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wakeup directory moved away under a running foreman ({@code mv queue.db-wakeup elsewhere}): inotify goes on
 * watching the moved directory, so wakeups from other processes, made at the path, would reach nobody until the
 * backstop poll. The foreman's watcher notices and watches a directory at the path again. Every foreman here polls
 * once an hour, so only a wakeup can run a task within the test's timeout.
 */
class WakeupDirectoryMovedTest {

    @TempDir
    Path dir;

    private Foreman foreman(TaskQueue queue, Recorder recorder) {
        return Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder).pollInterval(Duration.ofHours(1))
                .stopOnShutdown(false).start();
    }

    private static void enqueueFromAnotherProcess(Path db) throws Exception {
        try (ChildJvm producer = ChildJvm.start("enqueue", db.toString(), "1")) {
            producer.await("ENQUEUED 1");
            assertEquals(0, producer.awaitExit(), "producer exit status; output: " + producer.output);
        }
    }

    @Test
    void a_moved_wakeup_directory_is_recreated_and_watched_so_another_process_wakes_the_foreman() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db); Foreman f = foreman(queue, recorder)) {
            recorder.awaitIdleAfter(0);
            Path wakeups = queue.settings().wakeupDirectory();
            Path moved = Files.move(wakeups, dir.resolve("elsewhere"));
            enqueueFromAnotherProcess(db);
            recorder.awaitCount("succeeded", 1);
            assertTrue(Files.isDirectory(wakeups, LinkOption.NOFOLLOW_LINKS), wakeups + " is not a directory");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wakeups)));
            assertNotEquals(fileKey(moved), fileKey(wakeups), "a new directory at the path, not the moved one");
            recorder.await(() -> fileCount(wakeups) == 0, "the producer's wakeup file to be unlinked");
        }
    }

    @Test
    void a_wakeup_directory_replaced_before_the_foreman_notices_is_watched_and_its_files_cleared() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db); Foreman f = foreman(queue, recorder)) {
            recorder.awaitIdleAfter(0);
            Path wakeups = queue.settings().wakeupDirectory();
            Files.move(wakeups, dir.resolve("elsewhere"));
            // As a producer that re-created it first: a wakeup file left there would make that producer's every
            // later wakeup a no-op ("the foreman has yet to unlink it"), so it must be unlinked.
            Files.createDirectory(wakeups,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path early = Files.createFile(wakeups.resolve("p1"));
            enqueueFromAnotherProcess(db);
            recorder.awaitCount("succeeded", 1);
            recorder.await(() -> !Files.exists(early), early + " to be unlinked");
            assertFalse(Files.isSymbolicLink(wakeups));
        }
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static long fileCount(Path dir) {
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
