package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code enqueue(Connection, …)}, the transactional enqueue for any transaction manager, whatever the database: the
 * task exists only if the caller's transaction commits, and a foreman that never polls is woken by that commit; the
 * caller's connection is only used, never committed, rolled back, closed or switched. Run against SQLite
 * ({@link SqliteTransactionalEnqueueTest}) and PostgreSQL ({@link PostgresTransactionalEnqueueTest}).
 */
abstract class ConnectionEnqueueContract {

    /** What the caller owns of its connection: none of these may be called by an enqueue. */
    static final Set<String> CALLERS_OWN = Set.of("commit", "rollback", "close", "abort", "setAutoCommit",
            "setSavepoint", "releaseSavepoint", "setTransactionIsolation", "setReadOnly", "setCatalog", "setSchema");

    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Integer> ran = new CopyOnWriteArrayList<>();
    final Recorder recorder = new Recorder();

    /** The settings of a queue on the tests' database; every call is the same database (and schema). */
    abstract QueueSettings.Builder newQueueSettings();

    /** A new connection to the queue's database, in autocommit mode, as an application's pool or driver gives it. */
    abstract Connection connection() throws SQLException;

    /** A new connection to another database, which has a queue of its own: {@link #pendingOnOther()} counts it. */
    abstract Connection connectionToOther() throws SQLException;

    /** Tasks pending in the other database's queue. */
    abstract long pendingOnOther();

    /** A queue on the tests' database, closed after the test. */
    TaskQueue open(EnqueueInterceptor... interceptors) {
        QueueSettings.Builder settings = newQueueSettings();
        for (EnqueueInterceptor i : interceptors) {
            settings.enqueueInterceptor(i);
        }
        return closing(TaskQueue.open(settings.build()));
    }

    /** A foreman that never polls: only a wakeup makes it claim. */
    void startForeman(TaskQueue queue) {
        closing(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).listener(recorder)
                .pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false).start());
        recorder.awaitIdleAfter(0); // its first claim has found nothing
    }

    <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    @Test
    void a_connection_enqueue_runs_when_the_callers_transaction_commits_and_wakes_the_foreman() throws Exception {
        TaskQueue queue = open();
        startForeman(queue);
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            queue.enqueue(c, ECHO, new Echo(1));
            assertEquals(0, queue.pending(), "visible before the caller's commit");
            c.commit();
            assertFalse(c.isClosed(), "the enqueue closed the caller's connection");
            assertFalse(c.getAutoCommit(), "the enqueue changed the caller's autocommit mode");
        }
        recorder.awaitCount("succeeded", 1); // the foreman never polls: the commit woke it
        assertEquals(List.of(1), ran);
    }

    @Test
    void a_connection_enqueue_rolled_back_by_the_caller_leaves_no_task() throws Exception {
        TaskQueue queue = open();
        startForeman(queue);
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            queue.enqueue(c, ECHO, new Echo(1));
            c.rollback();
            assertEquals(0, queue.pending());
            // the connection's next transaction is the caller's own, and its enqueue is the only one that runs
            queue.enqueue(c, ECHO, new Echo(2));
            c.commit();
        }
        recorder.awaitCount("succeeded", 1);
        assertEquals(List.of(2), ran);
        assertEquals(0, queue.pending());
    }

    @Test
    void a_connection_in_autocommit_mode_enqueues_in_a_transaction_of_its_own() throws Exception {
        TaskQueue queue = open();
        startForeman(queue);
        try (Connection c = connection()) {
            assertTrue(c.getAutoCommit());
            queue.enqueue(c, ECHO, new Echo(1));
            assertTrue(c.getAutoCommit(), "the enqueue changed the caller's autocommit mode");
        }
        recorder.awaitCount("succeeded", 1); // committed, and the foreman woken, without the caller's commit
        assertEquals(List.of(1), ran);
    }

    @Test
    void a_connection_to_another_database_is_refused_and_nothing_is_written() throws Exception {
        TaskQueue queue = open();
        try (Connection other = connectionToOther()) {
            other.setAutoCommit(false);
            IllegalArgumentException inTx = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(other, ECHO, new Echo(1)));
            assertTrue(inTx.getMessage().startsWith("connection must be on the queue's"), inTx.getMessage());
            assertTrue(inTx.getMessage().endsWith("; nothing was written"), inTx.getMessage());
            other.commit(); // the caller's transaction goes on unharmed
            other.setAutoCommit(true); // where an insert would have committed at once
            IllegalArgumentException autocommit = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(other, ECHO, new Echo(2), Enqueue.now().key("k")));
            assertEquals(inTx.getMessage(), autocommit.getMessage());
        }
        assertEquals(0, queue.pending(), "tasks in the queue's database");
        assertEquals(0, pendingOnOther(), "tasks in the other database");
    }

    @Test
    void the_callers_connection_is_used_and_never_committed_closed_or_switched() throws Exception {
        TaskQueue queue = open();
        List<String> calls = new CopyOnWriteArrayList<>();
        try (Connection real = connection()) {
            real.setAutoCommit(false);
            Connection watched = watched(real, calls);
            queue.enqueue(watched, ECHO, new Echo(1));
            queue.enqueue(watched, ECHO, new Echo(2), Enqueue.now().key("k"));
            queue.enqueue(watched, ECHO, new Echo(3), Enqueue.after(java.time.Duration.ofMinutes(5)));
            List<String> owned = calls.stream().filter(CALLERS_OWN::contains).toList();
            assertEquals(List.of(), owned, "calls of the caller's own (all calls: " + calls + ")");
            assertTrue(calls.contains("prepareStatement"), "the statements ran on the caller's connection: " + calls);
            assertEquals(0, queue.pending());
            real.commit();
        }
        assertEquals(3, queue.pending());
    }

    @Test
    void keys_behave_as_in_the_queues_own_enqueue() throws Exception {
        TaskQueue queue = open();
        long holder;
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            holder = queue.enqueue(c, ECHO, new Echo(1), Enqueue.now().key("digest"));
            assertEquals(holder, queue.enqueue(c, ECHO, new Echo(2), Enqueue.now().key("digest")),
                    "the same transaction finds its own holder");
            c.commit();
            c.setAutoCommit(true);
            assertEquals(holder, queue.enqueue(c, ECHO, new Echo(3), Enqueue.now().key("digest")),
                    "a later autocommitted enqueue finds the holder");
        }
        assertEquals(holder, queue.enqueue(ECHO, new Echo(4), Enqueue.now().key("digest")));
        assertEquals(1, queue.pending());
    }

    @Test
    void enqueue_interceptors_run_once_and_their_metadata_reaches_the_handler() throws Exception {
        List<String> intercepted = new CopyOnWriteArrayList<>();
        TaskQueue queue = open(e -> {
            intercepted.add(e.taskName() + " x" + e.taskCount());
            e.putMetadata("request-id", "r-42");
            e.proceed();
        });
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        closing(Foreman.builder(queue).handle(ECHO, (a, context) -> seen.add(context.metadata())).listener(recorder)
                .pollInterval(ForemanContract.NO_POLL).stopOnShutdown(false).start());
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            queue.enqueue(c, ECHO, new Echo(1));
            c.commit();
        }
        recorder.awaitCount("succeeded", 1);
        assertEquals(List.of("echo x1"), intercepted);
        assertEquals(List.of(Map.of("request-id", "r-42")), seen);
    }

    @Test
    void bad_arguments_are_refused_by_name_before_anything_is_written() throws Exception {
        TaskQueue queue = open();
        try (Connection c = connection()) {
            NullPointerException noConnection = assertThrows(NullPointerException.class,
                    () -> queue.enqueue((Connection) null, ECHO, new Echo(1)));
            assertEquals("connection", noConnection.getMessage());
            assertThrows(NullPointerException.class, () -> queue.enqueue(c, null, new Echo(1)));
            assertThrows(NullPointerException.class, () -> queue.enqueue(c, ECHO, new Echo(1), null));
            // null args: the same refusal as every enqueue, and unambiguous among the overloads
            assertThrows(IllegalArgumentException.class, () -> queue.enqueue(c, ECHO, null));
            assertThrows(IllegalArgumentException.class, () -> queue.enqueue(c, ECHO, null, Enqueue.now()));
            assertTrue(c.getAutoCommit());
        }
        assertEquals(0, queue.pending());
    }

    /** {@code real} behind a proxy that records the name of every method called on it. */
    static Connection watched(Connection real, List<String> calls) {
        return (Connection) Proxy.newProxyInstance(ConnectionEnqueueContract.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
