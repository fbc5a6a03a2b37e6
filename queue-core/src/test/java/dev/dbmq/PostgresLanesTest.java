package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

@NeedsPostgres
class PostgresLanesTest extends LanesContract {

    static HikariDataSource pool;

    @BeforeAll
    static void pool() {
        pool = PostgresSupport.pool(16);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    TaskQueue reopen(TaskQueue queue) {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(queue.settings().schema()).build());
    }

    @Override
    TaskQueue openQueue() {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_lanes")).build());
    }

    /** A pause and a resume NOTIFY every foreman, as an enqueue does: foremen of other processes stop or go on at once. */
    @org.junit.jupiter.api.Test
    void a_pause_and_a_resume_notify_every_foreman() throws Exception {
        TaskQueue queue = closing(openQueue());
        try (java.sql.Connection listener = pool.getConnection();
             java.sql.Statement listen = listener.createStatement()) {
            listen.execute("LISTEN dbmq_task");
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
            pg.getNotifications(1); // none yet; drains any
            queue.pause("bulk");
            org.postgresql.PGNotification[] paused = pg.getNotifications(10_000);
            org.junit.jupiter.api.Assertions.assertTrue(paused != null && paused.length > 0, "NOTIFY at the pause");
            org.junit.jupiter.api.Assertions.assertEquals(queue.settings().schema(), paused[0].getParameter());
            queue.resume("bulk");
            org.postgresql.PGNotification[] resumed = pg.getNotifications(10_000);
            org.junit.jupiter.api.Assertions.assertTrue(resumed != null && resumed.length > 0, "NOTIFY at the resume");
        }
    }
}
