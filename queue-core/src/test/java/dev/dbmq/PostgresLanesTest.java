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

    /**
     * A pause and a resume NOTIFY every foreman, as an enqueue does: foremen of other processes stop or go on at once.
     * The channel is shared by every schema's queue (other tests' among them), so only this schema's count.
     */
    @org.junit.jupiter.api.Test
    void a_pause_and_a_resume_notify_every_foreman() throws Exception {
        TaskQueue queue = closing(openQueue());
        try (java.sql.Connection listener = pool.getConnection();
             java.sql.Statement listen = listener.createStatement()) {
            listen.execute("LISTEN dbmq_task");
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
            pg.getNotifications(1); // none yet; drains any
            queue.pause("bulk");
            org.junit.jupiter.api.Assertions.assertTrue(notified(pg, queue.settings().schema()), "NOTIFY at the pause");
            queue.resume("bulk");
            org.junit.jupiter.api.Assertions.assertTrue(notified(pg, queue.settings().schema()),
                    "NOTIFY at the resume");
        }
    }

    /** Whether a notification for {@code schema} arrives within 10 s; others' are skipped. */
    private static boolean notified(org.postgresql.PGConnection pg, String schema) throws java.sql.SQLException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            org.postgresql.PGNotification[] got = pg.getNotifications((int) Math.max(1, left / 1_000_000));
            for (org.postgresql.PGNotification n : got == null ? new org.postgresql.PGNotification[0] : got) {
                if (schema.equals(n.getParameter())) {
                    return true;
                }
            }
        }
        return false;
    }
}
