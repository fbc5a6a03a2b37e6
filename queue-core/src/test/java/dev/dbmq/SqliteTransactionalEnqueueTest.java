package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transactional enqueue on a caller's {@link Connection} on SQLite: the connection must be to the queue's own
 * file (the queue is a database of its own, so an application's other database can't share its transactions).
 */
class SqliteTransactionalEnqueueTest extends ConnectionEnqueueContract {

    @TempDir
    Path dir;
    TaskQueue otherQueue;

    @BeforeEach
    void openOther() {
        otherQueue = closing(TaskQueue.sqlite(dir.resolve("other.db")));
    }

    @Override
    QueueSettings.Builder newQueueSettings() {
        return QueueSettings.sqlite(dir.resolve("queue.db"));
    }

    @Override
    Connection connection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
    }

    @Override
    Connection connectionToOther() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("other.db"));
    }

    @Override
    long pendingOnOther() {
        return otherQueue.pending();
    }

    @Test
    void a_connection_to_the_queues_file_by_another_path_is_accepted() throws Exception {
        TaskQueue queue = open();
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), dir.resolve("queue.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + link)) {
            c.setAutoCommit(false);
            queue.enqueue(c, ECHO, new Echo(1));
            c.commit();
        }
        assertEquals(1, queue.pending());
    }

    @Test
    void a_connection_to_an_in_memory_database_is_refused_naming_the_queues_file() throws Exception {
        TaskQueue queue = open();
        try (Connection memory = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(memory, ECHO, new Echo(1)));
            assertTrue(e.getMessage().startsWith("connection must be on the queue's file "
                    + dir.resolve("queue.db")), e.getMessage());
        }
        assertEquals(0, queue.pending());
    }
}
