package dev.dbmq;

import dev.dbmq.testing.SettableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteBulkOperationsTest extends BulkOperationsContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue(SettableClock clock) {
        return TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build());
    }

    @Override
    void refuseInsertsOf(TaskQueue queue, String args) {
        queue.database().autocommit(dsl -> dsl.execute("create trigger refuse before insert on dbmq_task when new.args"
                + " = " + dsl.render(org.jooq.impl.DSL.inline(args)) + " begin select raise(abort, 'refused by the test'); end"));
    }

    /**
     * The console's reads take no write lock: with another connection holding SQLite's (as a foreman's claim does),
     * they answer at once instead of waiting out the busy timeout (a transaction here is BEGIN IMMEDIATE).
     */
    @org.junit.jupiter.api.Test
    void the_consoles_reads_answer_while_another_connection_holds_the_write_lock() throws Exception {
        Path file = dir.resolve("locked.db");
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(file).busyTimeout(java.time.Duration.ofSeconds(30))
                .build())) {
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
            try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                 java.sql.Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
                    org.junit.jupiter.api.Assertions.assertEquals(1, queue.statsByName().get(0).due());
                    org.junit.jupiter.api.Assertions.assertEquals(1,
                            queue.pendingTasks(PendingFilter.all(), 10).size());
                    org.junit.jupiter.api.Assertions.assertEquals(0, queue.countFailed(FailedFilter.all()));
                    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), queue.recentHistory(10));
                });
                st.execute("ROLLBACK");
            }
        }
    }

    @Override
    void allowInserts(TaskQueue queue) {
        queue.database().autocommit(dsl -> dsl.execute("drop trigger refuse"));
    }
}
