package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteForemanTest extends ForemanContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return openSameQueue();
    }

    /** A long busy timeout: a claim waiting for another connection's write lock waits well past any close(). */
    @Override
    TaskQueue openSameQueue() {
        return TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).busyTimeout(Duration.ofSeconds(30))
                .build());
    }

    @Override
    void renameTaskTable(String from, String to) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
             Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }

    @Override
    WriteLockHolder holdWriteLock(int tasks) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
        Statement st = c.createStatement();
        st.execute("BEGIN IMMEDIATE");
        for (int i = 0; i < tasks; i++) {
            st.execute("INSERT INTO dbmq_task (task_name, args, created_at) VALUES ('echo', '{\"n\":" + i + "}', 0)");
        }
        return new WriteLockHolder() {
            @Override
            public void commit() throws Exception {
                st.execute("COMMIT");
            }

            @Override
            public void close() throws Exception {
                c.close();
            }
        };
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

    @Test
    void the_wakeup_watcher_survives_an_interrupt() throws Exception {
        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Foreman f = started(foreman().handle(ECHO, a -> ran.add(a.n())));
        recorder.awaitIdleAfter(0);
        Thread watcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("dbmq-wakeup-" + f.id())).findFirst().orElseThrow();
        watcher.interrupt();
        recorder.await(() -> !watcher.isInterrupted(), "the watcher to see the interrupt");
        // What a producer in another process does: commit a task, then drop its wakeup file.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO dbmq_task (task_name, args, created_at) VALUES ('echo', '{\"n\":1}', 0)");
        }
        Files.createFile(queue.settings().wakeupDirectory().resolve("p999999"));
        recorder.await(() -> ran.contains(1), "the task to run, woken through the wakeup directory");
        assertTrue(watcher.isAlive());
        assertEquals(Foreman.State.RUNNING, f.state());
    }
}
