package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteForemanTest extends ForemanContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @Override
    TaskQueue openSameQueue() {
        return TaskQueue.sqlite(dir.resolve("queue.db"));
    }

    @Test
    void clears_stale_wakeup_files_at_start() throws Exception {
        Path wakeups = queue.settings().wakeupDirectory();
        for (int i = 0; i < 5; i++) {
            Files.createFile(wakeups.resolve("stale-" + i));
        }
        started(foreman().handle(ECHO, a -> { }));
        try (var files = Files.list(wakeups)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void refuses_a_second_foreman_on_the_same_database() {
        started(foreman().handle(ECHO, a -> { }));
        try (TaskQueue other = openSameQueue()) {
            DbmqException e = assertThrows(DbmqException.class,
                    () -> Foreman.builder(other).handle(ECHO, a -> { }).stopOnShutdown(false).start());
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
        }
    }
}
