package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database reached through a symlink is the same database: the foreman lock and the default wakeup directory are
 * named after its real path, so a foreman through the link is refused, and producers through it wake the foreman.
 */
class SymlinkedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void a_foreman_through_a_symlink_is_refused_and_a_producer_through_it_wakes_the_real_paths_foreman()
            throws Exception {
        Path real = dir.resolve("real.db");
        Path link = dir.resolve("link.db");
        try (ChildJvm other = ChildJvm.start("foreman", real.toString())) { // wakeups only: no backstop poll
            other.await("STARTED");
            Files.createSymbolicLink(link, real);
            try (TaskQueue viaLink = TaskQueue.sqlite(link)) {
                DbmqException e = assertThrows(DbmqException.class,
                        () -> Foreman.builder(viaLink).handle(ECHO, a -> { }).stopOnShutdown(false).start().close(),
                        "a foreman through " + link + " started beside the one on " + real);
                assertTrue(e.getMessage().contains("already running") && e.getMessage().contains("another process"),
                        e.getMessage());
                viaLink.enqueue(ECHO, new Echo(7));
                other.await("ECHO 7");
                assertEquals(dir.resolve("real.db-wakeup"), viaLink.settings().wakeupDirectory());
                assertFalse(Files.exists(dir.resolve("link.db-foreman.lock")), "a lock file named after the link");
                assertFalse(Files.exists(dir.resolve("link.db-wakeup")), "a wakeup directory named after the link");
            }
        }
    }

    @Test
    void the_default_wakeup_directory_is_resolved_at_open_and_an_explicit_one_is_used_as_given() throws Exception {
        Path real = dir.resolve("real.db");
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), real);
        QueueSettings byDefault = QueueSettings.sqlite(link).build();
        assertNull(byDefault.wakeupDirectory(), "before the queue opens, the default is not known yet");
        assertTrue(byDefault.toString().contains("wakeupDirectory=default"), byDefault.toString());
        try (TaskQueue queue = TaskQueue.open(byDefault)) {
            assertEquals(dir.resolve("real.db-wakeup"), queue.settings().wakeupDirectory());
        }
        Path explicit = dir.resolve("link.db-wakeup");
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(link).wakeupDirectory(explicit).build())) {
            assertEquals(explicit, queue.settings().wakeupDirectory());
            assertTrue(Files.isDirectory(explicit));
        }
    }
}
