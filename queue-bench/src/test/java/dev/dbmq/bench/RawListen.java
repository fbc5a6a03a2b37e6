package dev.dbmq.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The floor of the PostgreSQL wakeup: the NOTIFY leg alone, in raw JDBC. One connection LISTENs (its thread blocked
 * in pgjdbc's {@code getNotifications(250)}, as dbmq's listener thread is); another commits a {@code pg_notify} in
 * autocommit. No trigger, no claim, no foreman: what is left is PostgreSQL's delivery and pgjdbc's read.
 */
final class RawListen implements AutoCloseable {

    private static final String CHANNEL = "dbmq_bench_raw";

    private final Connection listen;
    private final Connection notifier;
    private final PreparedStatement notify;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long receivedAt;
    private volatile Thread waiter;

    RawListen(DataSource listenPool, DataSource notifyPool) throws SQLException {
        listen = listenPool.getConnection();
        listen.setAutoCommit(true);
        try (Statement st = listen.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
        notifier = notifyPool.getConnection();
        notifier.setAutoCommit(true);
        notify = notifier.prepareStatement("SELECT pg_notify('" + CHANNEL + "', 'x')");
        PGConnection pg = listen.unwrap(PGConnection.class);
        thread = new Thread(() -> {
            try {
                while (running) {
                    PGNotification[] n = pg.getNotifications(250);
                    if (n != null && n.length > 0) {
                        receivedAt = System.nanoTime();
                        Thread w = waiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }, "bench-raw-listen");
        thread.setDaemon(true);
        thread.start();
    }

    /** Commits one notification; returns its latency: from the commit returned to the listener having read it. */
    long notifyAndAwait() throws SQLException {
        receivedAt = 0;
        waiter = Thread.currentThread();
        notify.execute();
        long committedAt = System.nanoTime();
        long deadline = committedAt + TimeUnit.SECONDS.toNanos(10);
        long got;
        while ((got = receivedAt) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no notification within 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        waiter = null;
        return got - committedAt;
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(2));
        notify.close();
        notifier.close();
        listen.close();
    }
}
