package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What every area of the backend contract needs: the hooks a backend's test implements, the backend under test, and
 * helpers. The areas ({@link InsertContract}, {@link ClaimContract}, {@link CallerTransactionContract},
 * {@link WakeupContract}, {@link ExclusivityContract}) are interfaces of default test methods, as River splits its
 * driver test suite; {@link BackendContract} opens and closes the backends and tests what is left (keys,
 * descriptions, close). Each backend's test ({@link SqliteBackendTest}, {@link PostgresBackendTest}) extends the one
 * and implements every area; a third database would add one such class.
 *
 * <p>Each test opens backends on a new, empty database; several backends on the same database stand for several
 * processes. Waits are on latches with a timeout, never on sleeps; wakeup sources recheck only every hour, so no test
 * can pass thanks to the backstop.
 */
public interface BackendUnderTest {

    /** A wakeup source's own recheck: far beyond any timeout here, so only a real wakeup passes. */
    static final Duration NO_RECHECK = Duration.ofHours(1);
    static final long TIMEOUT_SECONDS = 20;
    static final String A = "contract_a";
    static final String B = "contract_b";
    static final String C = "contract_c";

    /** The backend on a new, empty database that each test starts with. */
    Backend backend();

    /** {@link #backend()}'s storage. */
    default Storage storage() {
        return backend().storage();
    }

    /** Closed after the test, last-opened first. */
    <T extends AutoCloseable> T closing(T closeable);

    // ---- hooks: each backend's test implements these -----------------------------------------------------------

    /** Another backend on the database {@link BackendContract#openFresh} made, as another process would open it. */
    Backend openSame() throws Exception;

    /** A backend on a database other than {@link BackendContract#openFresh}'s, with its own queue tables. */
    Backend openOther() throws Exception;

    /** Whether the backend admits several foremen on one database at once. */
    boolean admitsSeveralForemen();

    /** Whether a started wakeup source wakes its target once as soon as it listens (for what it may have missed). */
    boolean wakesOnceListening();

    /** What {@link Backend#describe()} must name: the file, or the schema. */
    String describedAs();

    /**
     * An application's own connection to the database of {@link BackendContract#openFresh}, autocommit off, as a jOOQ
     * context of that database's dialect whose unqualified table names reach the queue's tables.
     */
    CallerTx openCallerTx() throws Exception;

    /** The same, on the database of {@link #openOther} (whose queue tables a misplaced insert would reach). */
    CallerTx openCallerTxOnOther() throws Exception;

    /** An application's transaction on its own connection; {@link #close()} closes the connection. */
    interface CallerTx extends AutoCloseable {
        DSLContext dsl();

        void commit() throws Exception;

        void rollback() throws Exception;

        void autocommit(boolean on) throws Exception;

        /** Tasks in the queue table this connection sees, counted on it (after {@link #commit()}). */
        default long pending() {
            return dsl().fetchCount(DSL.table(DSL.name("dbmq_task")));
        }

        /**
         * The application's own connection {@code c}, now out of autocommit; closing rolls back what is open, runs
         * {@code reset} (undo the subclass's session set-up), then closes it.
         */
        static CallerTx over(java.sql.Connection c, org.jooq.SQLDialect dialect, ConnectionReset reset)
                throws java.sql.SQLException {
            c.setAutoCommit(false);
            DSLContext dsl = DSL.using(c, dialect);
            return new CallerTx() {
                @Override
                public DSLContext dsl() {
                    return dsl;
                }

                @Override
                public void commit() throws Exception {
                    c.commit();
                }

                @Override
                public void rollback() throws Exception {
                    c.rollback();
                }

                @Override
                public void autocommit(boolean on) throws Exception {
                    c.setAutoCommit(on);
                }

                @Override
                public void close() throws Exception {
                    try {
                        if (!c.getAutoCommit()) {
                            c.rollback();
                        }
                        reset.reset(c);
                    } finally {
                        c.close();
                    }
                }
            };
        }
    }

    /** Undoes a caller connection's session set-up before it goes back to its pool. */
    interface ConnectionReset {
        void reset(java.sql.Connection c) throws Exception;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    default String arg(int n) {
        return "{\"n\":" + n + "}";
    }

    default List<String> args(int count) {
        return IntStream.range(0, count).mapToObj(this::arg).toList();
    }

    default long insert(Backend b, String name, int n, long createdAt) {
        return b.storage().database().autocommit(dsl -> b.storage().insert(dsl, name, arg(n), null, createdAt,
                createdAt, 1));
    }

    default List<TaskStore.Row> claim(Backend b, int limit, List<String> names) {
        return b.storage().database().transaction(dsl -> TaskStore.claim(b.storage(), dsl, limit, names,
                Long.MAX_VALUE));
    }

    default long pending(Backend b) {
        return b.storage().database().autocommit(TaskStore::pending);
    }

    default List<Long> ids(List<TaskStore.Row> rows) {
        return rows.stream().map(TaskStore.Row::id).toList();
    }

    default void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "timed out after " + TIMEOUT_SECONDS + " s: " + what);
    }

    /** A wake target that counts its wakes; {@link #awaitMoreThan} waits for a wake beyond a count. */
    static final class CountingTarget implements WakeTarget {
        private final Object monitor = new Object();
        private int wakes; // guarded by monitor

        @Override
        public void wake() {
            synchronized (monitor) {
                wakes++;
                monitor.notifyAll();
            }
        }

        int wakes() {
            synchronized (monitor) {
                return wakes;
            }
        }

        void awaitMoreThan(int count, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            synchronized (monitor) {
                while (wakes <= count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("timed out after " + TIMEOUT_SECONDS + " s waiting for a wake: " + what);
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            }
        }
    }

    /**
     * Starts b's wakeup source on {@code target} and waits until it listens: for a backend that
     * {@link #wakesOnceListening}, its first wake; nothing was committed before, so no later wake is stale.
     */
    default WakeupSource listening(Backend b, CountingTarget target) throws InterruptedException {
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicReference<Throwable> died = new AtomicReference<>();
        WatchedThreads threads = (name, body, consequence) -> {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                    if (!stopping.get()) {
                        died.set(new IllegalStateException(name + " ended without a stop request"));
                    }
                } catch (Throwable t) {
                    if (!stopping.get()) {
                        died.set(t);
                    }
                }
            }, name);
            thread.setDaemon(true);
            return thread;
        };
        WakeupSource source = b.wakeups().source(target, NO_RECHECK, "contract", 0, threads);
        closing((AutoCloseable) () -> {
            stopping.set(true);
            source.close();
            assertNull(died.get(), "the wakeup source's thread died");
        });
        source.start();
        if (wakesOnceListening()) {
            target.awaitMoreThan(0, "the wakeup source to listen");
        }
        return source;
    }

    default long insertDue(Backend b, String name, int n, long dueAt) {
        return insertDue(b, name, n, dueAt, dev.dbmq.Task.DEFAULT_PRIORITY);
    }

    default long insertDue(Backend b, String name, int n, long dueAt, int priority) {
        return b.storage().database().autocommit(dsl -> b.storage().insert(dsl, name, arg(n), null, 1, dueAt,
                priority));
    }

    default List<TaskStore.Row> claimAt(Backend b, int limit, List<String> names, long nowMillis) {
        return b.storage().database().transaction(dsl -> TaskStore.claim(b.storage(), dsl, limit, names, nowMillis));
    }
}
