package dev.dbmq.internal.sqlite;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.DbmqException;
import dev.dbmq.QueueInternals;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's connection waits for another connection's write lock ({@link SqliteBusyWait}): parked in short steps,
 * until the lock is released or the busy timeout (or a stop's deadline) ends the wait with a clear error.
 */
class SqliteBusyWaitTest {

    @TempDir
    Path dir;

    private TaskQueue open(Duration busyTimeout) {
        return TaskQueue.open(QueueSettings.sqlite(dir.resolve("q.db")).busyTimeout(busyTimeout).build());
    }

    /** Another process's writer, as far as SQLite can tell: a connection of its own in BEGIN IMMEDIATE. */
    private Connection holdWriteLock() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"));
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        return c;
    }

    @Test
    void an_enqueue_waits_for_another_writer_and_commits_once_it_is_done() throws Exception {
        try (TaskQueue queue = open(Duration.ofSeconds(30))) {
            Connection holder = holdWriteLock();
            CompletableFuture<Long> id = enqueueWaitingForTheLock(queue);
            try (Statement st = holder.createStatement()) {
                st.execute("COMMIT");
            }
            holder.close();
            assertTrue(id.get(10, TimeUnit.SECONDS) > 0);
            assertEquals(1L, queue.pending());
        }
    }

    @Test
    void the_busy_timeout_ends_the_wait_with_an_error_and_nothing_is_written() throws Exception {
        try (TaskQueue queue = open(Duration.ofMillis(200))) {
            try (Connection holder = holdWriteLock()) {
                long start = System.nanoTime();
                DbmqException e = assertThrows(DbmqException.class, () -> queue.enqueue(ECHO, new Echo(1)));
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "waited the timeout");
                assertTrue(e.getMessage().contains("locked") || e.getMessage().contains("BUSY"), e.getMessage());
            }
            assertEquals(0L, queue.pending());
            assertTrue(queue.enqueue(ECHO, new Echo(2)) > 0, "the connection is usable after the timeout");
        }
    }

    @Test
    void a_deadline_shorter_than_the_busy_timeout_ends_the_wait_at_the_deadline() throws Exception {
        try (TaskQueue queue = open(Duration.ofSeconds(60))) {
            Database db = QueueInternals.database(queue);
            try (Connection holder = holdWriteLock()) {
                long start = System.nanoTime();
                assertThrows(DbmqException.class,
                        () -> db.transactionBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200),
                                TaskStore::pending));
                long took = System.nanoTime() - start;
                assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(200), "waited until the deadline");
                assertTrue(took < TimeUnit.SECONDS.toNanos(30), "not the 60 s busy timeout: " + took / 1_000_000);
            }
            // the deadline was for that transaction only: the next one waits the busy timeout again
            Connection holder = holdWriteLock();
            CompletableFuture<Long> id = enqueueWaitingForTheLock(queue);
            holder.close(); // rolls back: the lock is free
            assertTrue(id.get(10, TimeUnit.SECONDS) > 0);
        }
    }

    @Test
    void an_interrupted_producer_parks_while_it_waits_and_keeps_its_interrupt() throws Exception {
        try (TaskQueue queue = open(Duration.ofSeconds(30))) {
            Connection holder = holdWriteLock();
            AtomicReference<Thread> producer = new AtomicReference<>();
            CompletableFuture<Boolean> interruptedAfter = CompletableFuture.supplyAsync(() -> {
                producer.set(Thread.currentThread());
                Thread.currentThread().interrupt();
                queue.enqueue(ECHO, new Echo(1));
                return Thread.interrupted();
            });
            awaitParkedInBusyWait(producer); // parked, not spinning on a park that returns at once
            holder.close();
            assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
            assertEquals(1L, queue.pending());
        }
    }

    /** Enqueues on another thread and returns once that thread waits for the write lock. */
    private static CompletableFuture<Long> enqueueWaitingForTheLock(TaskQueue queue) {
        AtomicReference<Thread> producer = new AtomicReference<>();
        CompletableFuture<Long> id = CompletableFuture.supplyAsync(() -> {
            producer.set(Thread.currentThread());
            return queue.enqueue(ECHO, new Echo(1));
        });
        awaitParkedInBusyWait(producer);
        return id;
    }

    /** Waits, up to 10 s, until the thread is parked by a SqliteBusyWait, i.e. waiting for the write lock. */
    private static void awaitParkedInBusyWait(AtomicReference<Thread> thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread t = thread.get();
            if (t != null && LockSupport.getBlocker(t) instanceof SqliteBusyWait) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the thread never waited in SqliteBusyWait");
            Thread.onSpinWait();
        }
    }
}
