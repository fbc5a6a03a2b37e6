package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wakeup directory as a queue opens and uses it: what it refuses, and its repair. */
class WakeupDirectoryTest {

    @TempDir
    Path dir;

    private DbmqException refused(Path wakeups) {
        return assertThrows(DbmqException.class, () -> TaskQueue.open(
                QueueSettings.sqlite(dir.resolve("queue.db")).wakeupDirectory(wakeups).build()));
    }

    @Test
    void refuses_a_symlink() throws Exception {
        Path target = Files.createDirectory(dir.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("wakeups"), target);
        assertTrue(refused(link).getMessage().contains("is a symlink"));
    }

    @Test
    void refuses_a_directory_others_can_write() throws Exception {
        Path open = Files.createDirectory(dir.resolve("wakeups"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(refused(open).getMessage().contains("writable by others"));
    }

    @Test
    void refuses_a_directory_owned_by_another_user() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("wakeups"));
        UserPrincipal nobody;
        try {
            nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(theirs, nobody);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot chown here (not root): " + e);
            return;
        }
        assertTrue(refused(theirs).getMessage().contains("owned by nobody"));
    }

    @Test
    void a_deleted_wakeup_directory_is_recreated_and_wakeups_work_again() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder)
                     .pollInterval(Duration.ofHours(1)).stopOnShutdown(false).start();
             TaskQueue remote = TaskQueue.sqlite(db)) {
            Path wakeups = queue.settings().wakeupDirectory();
            Files.delete(wakeups);
            recorder.await(() -> Files.isDirectory(wakeups), "the wakeup directory to be re-created");
            // Make this JVM's producers behave as another process's: no direct signal, a wakeup file instead.
            LocalForemen.unregister(queue.backend().key(), LocalForemen.find(queue.backend().key()));
            remote.enqueue(ECHO, new Echo(1));
            recorder.awaitCount("succeeded", 1);
            assertFalse(Files.isSymbolicLink(wakeups));
        }
    }
}
