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
 * <p>It also holds the foreman's liveness: a session-level advisory lock on the key ({@code dbmq_foreman}'s oid,
 * the foreman's lock key), taken on the same connection just before LISTEN and again after each reconnect. The lock
 * lives exactly as long as the session: a killed process, a lost host or a dropped connection frees it at once, and
 * every other process then sees the foreman as gone ({@link PostgresStorage#foremen}), with no clock involved.
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
    private final int livenessKey;
    private final Thread thread;
    private volatile boolean running = true;
    /** Whether this session holds the liveness lock now: read by claims ({@link #holdsLiveness}). */
    private volatile boolean live;

    @Override
    public boolean holdsLiveness() {
        return live;
    }

    /** Counted down once it first listens and holds the liveness lock: {@link #start()} waits for it, briefly. */
    private final java.util.concurrent.CountDownLatch firstLive = new java.util.concurrent.CountDownLatch(1);
    /** How long {@link #start()} waits for that; a database slower than this only delays the foreman's listing. */
    static final Duration START_WAIT = Duration.ofSeconds(5);

    PostgresListener(DataSource dataSource, String schema, WakeTarget target, Duration recheck, String foremanId,
                     int livenessKey, WatchedThreads threads) {
        this.dataSource = dataSource;
        this.livenessKey = livenessKey;
        this.schema = schema;
        this.target = target;
        this.recheckMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, recheck.toMillis()));
        this.thread = threads.newThread("listen", this::run,
                "tasks from other processes are found only by the backstop poll (pollInterval)");
    }

    /**
     * Starts listening, and returns once it listens and holds the foreman's liveness lock, so that
     * {@code TaskQueue.foremen()} lists the foreman as soon as its start returns; or after {@link #START_WAIT}, when
     * the database is slower than that (it goes on trying).
     */
    @Override
    public void start() {
        thread.start();
        try {
            if (!firstLive.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The foreman's LISTEN session is not up after {} s; it goes on trying, and the foreman is"
                        + " not listed as alive until it is", START_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                String mySchema = schema != null ? schema
                        : DSL.using(c, SQLDialect.POSTGRES).select(DSL.currentSchema()).fetchOne().value1();
                live = livenessKey <= 0 || holdLiveness(c, mySchema); // a new session holds nothing yet
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL); // a constant: LISTEN takes no bind values
                }
                if (live) {
                    firstLive.countDown();
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                backoff = 100;
                target.wake(); // whatever was committed while we were not listening
                long quietSince = System.nanoTime();
                while (running) {
                    if (!live && holdLiveness(c, mySchema)) {
                        live = true;
                        firstLive.countDown();
                        target.wake(); // claims were refused meanwhile: look now
                    }
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
                live = false;
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

    /**
     * Takes the foreman's advisory lock on this session (see the class comment), without waiting: after a reconnect
     * the old session may hold it until the server notices it is gone, and this thread must not block meanwhile. Tried
     * again at each slice until held.
     *
     * @return whether this session holds it
     */
    private boolean holdLiveness(Connection c, String mySchema) throws java.sql.SQLException {
        try (java.sql.PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_lock("
                + "(to_regclass(quote_ident(?) || '.dbmq_foreman')::oid::bigint << 32) | ?)")) {
            st.setString(1, mySchema);
            st.setInt(2, livenessKey);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
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
