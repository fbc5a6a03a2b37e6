package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {

    record Echo(int n) {}

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);

    @TempDir
    Path dir;

    @Test
    void a_transaction_is_committed_and_leaves_the_connection_in_autocommit() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"));
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"))) {
            queue.enqueueAll(ECHO, java.util.List.of(new Echo(1), new Echo(2)));
            boolean autocommit = queue.database().autocommit(dsl -> dsl.connectionResult(Connection::getAutoCommit));
            assertTrue(autocommit);
            try (Statement s = other.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from dbmq_task")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "committed: another connection sees the rows, and can write next");
            }
            try (Statement s = other.createStatement()) {
                s.executeUpdate("delete from dbmq_task"); // no write lock left behind
            }
            assertEquals(0, queue.pending());
        }
    }

    @Test
    void a_transaction_that_throws_leaves_nothing_behind() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            assertThrows(IllegalStateException.class, () -> queue.database().transaction(dsl -> {
                TaskStore.insert(dsl, "echo", "{\"n\":1}", null, 0L, 0L, 1);
                throw new IllegalStateException("boom");
            }));
            assertEquals(0, queue.pending());
            queue.enqueue(ECHO, new Echo(2));
            assertEquals(1, queue.pending());
        }
    }
}
