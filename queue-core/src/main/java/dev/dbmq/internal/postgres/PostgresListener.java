package dev.dbmq.internal.postgres;

import dev.dbmq.internal.WakeTarget;
import dev.dbmq.internal.WakeupSource;
import dev.dbmq.internal.WatchedThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the foreman on PostgreSQL notifications: a trigger on {@code dbmq_task} notifies channel
 * {@value #CHANNEL} with the table's schema when an insert commits (never before, so a transactional enqueue never
 * wakes anyone early; never on rollback).
 *
 * <p>On a dedicated connection, which it re-opens with backoff (0.1 s doubling to 5 s) when it breaks; after each
 * (re)connect it wakes the foreman, since notifications sent meanwhile are lost. It never blocks longer than
 * 250 ms, and checks the connection is alive when nothing arrived for {@code recheck}.
 *
 * <p>Threads: its own thread, "dbmq-listen", owns the connection; {@link #close()} may be called from any thread.
 */
final class PostgresListener implements WakeupSource {

    static final String CHANNEL = "dbmq_task";
    private static final int SLICE_MILLIS = 250;
    private static final Logger log = LoggerFactory.getLogger(PostgresListener.class);

    private final DataSource dataSource;
    private final String schema;
    private final WakeTarget target;
    private final int recheckMillis;
    private final Thread thread;
    private volatile boolean running = true;

    PostgresListener(DataSource dataSource, String schema, WakeTarget target, Duration recheck, String foremanId,
                     WatchedThreads threads) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.target = target;
        this.recheckMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, recheck.toMillis()));
        this.thread = threads.newThread("listen", this::run,
                "tasks from other processes are found only by the backstop poll (pollInterval)");
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                String mySchema = schema != null ? schema
                        : DSL.using(c, SQLDialect.POSTGRES).select(DSL.currentSchema()).fetchOne().value1();
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL); // a constant: LISTEN takes no bind values
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = 100;
                target.wake(); // whatever was committed while we were not listening
                long quietSince = System.nanoTime();
                while (running) {
                    // Short slices, so close() is noticed soon without closing a connection another thread uses.
                    PGNotification[] notifications = pg.getNotifications(SLICE_MILLIS);
                    if (notifications == null || notifications.length == 0) {
                        if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(recheckMillis)) {
                            DSL.using(c, SQLDialect.POSTGRES).selectOne().fetch(); // still alive?
                            quietSince = System.nanoTime();
                        }
                        continue;
                    }
                    quietSince = System.nanoTime();
                    for (PGNotification n : notifications) {
                        if (mySchema.equals(n.getParameter())) {
                            target.wake();
                            break;
                        }
                    }
                }
            } catch (Throwable e) {
                // Anything (a broken connection, a failing pool, an interrupt inside the driver): reconnect.
                if (!running) {
                    return;
                }
                log.warn("Listening for task notifications failed ({}); will keep running, reconnecting in {} ms",
                        e.toString(), backoff);
                try {
                    TimeUnit.MILLISECONDS.sleep(backoff); // production backoff; close() interrupts it
                } catch (InterruptedException ie) {
                    // close() (running is false now, seen above) or a stray interrupt: either way, on
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    @Override
    public void close() {
        running = false; // seen within one slice
        thread.interrupt(); // cuts a reconnect backoff short
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
