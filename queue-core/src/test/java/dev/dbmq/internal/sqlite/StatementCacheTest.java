package dev.dbmq.internal.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.QueueInternals;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {

    record Echo(int n) {}

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);

    @TempDir
    Path dir;

    @Test
    void an_enqueue_through_the_cached_insert_is_committed_before_it_returns() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"));
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"))) {
            long first = queue.enqueue(ECHO, new Echo(1));
            long second = queue.enqueue(ECHO, new Echo(2));
            assertTrue(second > first);
            try (Statement s = other.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from dbmq_task")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "another connection sees both rows: no transaction was left open");
            }
        }
    }

    @Test
    void the_cached_claim_returns_the_oldest_rows_in_id_order_and_deletes_them() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            List<Long> ids = queue.enqueueAll(ECHO, List.of(new Echo(1), new Echo(2), new Echo(3)));
            List<TaskStore.Row> claimed = QueueInternals.database(queue).transaction(dsl -> {
                assertNotNull(SqliteStatementCache.of(dsl), "the queue's own connection has a statement cache");
                return TaskStore.claim(QueueInternals.backend(queue).storage(), dsl, 2, null, Long.MAX_VALUE);
            });
            assertEquals(ids.subList(0, 2), claimed.stream().map(TaskStore.Row::id).toList());
            assertEquals("echo", claimed.get(0).taskName());
            assertEquals("{\"n\":1}", claimed.get(0).args());
            assertEquals(1, queue.pending());
        }
    }

    @Test
    void enqueueAll_through_prepared_chunks_and_single_rows_keeps_order_and_ids() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            List<Echo> args = java.util.stream.IntStream.range(0, 250).mapToObj(Echo::new).toList();
            List<Long> ids = queue.enqueueAll(ECHO, args);
            assertEquals(250, ids.size());
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i) > ids.get(i - 1), "ascending at " + i);
            }
            List<TaskStore.Row> claimed = QueueInternals.database(queue).transaction(dsl ->
                    TaskStore.claim(QueueInternals.backend(queue).storage(), dsl, 1000, null, Long.MAX_VALUE));
            assertEquals(ids, claimed.stream().map(TaskStore.Row::id).toList());
            for (int i = 0; i < 250; i++) {
                assertEquals("{\"n\":" + i + "}", claimed.get(i).args(), "the id of task " + i + " names its args");
            }
        }
    }

    @Test
    void a_context_without_a_cache_takes_the_ordinary_jooq_path() {
        assertNull(SqliteStatementCache.of(DSL.using(SQLDialect.SQLITE)));
    }
}
