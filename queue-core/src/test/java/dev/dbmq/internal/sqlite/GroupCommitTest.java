package dev.dbmq.internal.sqlite;

import static dev.dbmq.TestTasks.ECHO;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.DbmqException;
import dev.dbmq.QueueInternals;
import dev.dbmq.TaskQueue;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.Storage;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of single enqueues ({@link GroupCommit}): concurrent producers share transactions, each returns its own
 * committed row's id, a lone producer still writes its row alone, and a failed batch fails every producer in it.
 */
@Tag("smoke") // one of the few CI runs again on the newest JDK
class GroupCommitTest {

    @TempDir
    Path dir;

    private TaskQueue queue;
    private ExecutorService producers;

    @BeforeEach
    void open() {
        queue = TaskQueue.sqlite(dir.resolve("q.db"));
        producers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() throws InterruptedException {
        producers.shutdownNow();
        assertTrue(producers.awaitTermination(10, TimeUnit.SECONDS));
        queue.close();
    }

    @Test
    void sixteen_producers_at_once_each_get_their_own_committed_row() throws Exception {
        int threads = 16;
        int each = 200;
        CyclicBarrier start = new CyclicBarrier(threads);
        Map<Long, Integer> written = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * each;
            done.add(producers.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int n = first; n < first + each; n++) {
                    assertTrue(written.put(queue.enqueue(ECHO, new Echo(n)), n) == null, "an id returned twice");
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(threads * each, written.size());
        // every returned id names the row of the args its producer gave, and nothing else was written
        Map<Long, String> rows = QueueInternals.database(queue).autocommit(dsl -> dsl.select(DBMQ_TASK.ID, DBMQ_TASK.ARGS)
                .from(DBMQ_TASK).fetchMap(DBMQ_TASK.ID, DBMQ_TASK.ARGS));
        assertEquals(written.size(), rows.size());
        written.forEach((id, n) -> assertEquals("{\"n\":" + n + "}", rows.get(id), "row " + id));
    }

    @Test
    void producers_arriving_during_a_write_share_the_next_transaction() throws Exception {
        CountingDatabase db = new CountingDatabase(QueueInternals.database(queue));
        GroupCommit group = group(db);
        CompletableFuture<Long> leader = insertBehindGate(db, group, 0);
        List<CompletableFuture<Long>> followers = queueFollowers(group, 5);

        db.gate.countDown();
        Set<Long> ids = new HashSet<>();
        ids.add(leader.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<Long> f : followers) {
            ids.add(f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(6, ids.size());
        assertEquals(1, db.autocommits.get(), "the leader's row, written alone");
        assertEquals(1, db.transactions.get(), "the five queued rows, in one transaction");
        assertEquals(6L, queue.pending());
    }

    @Test
    void a_lone_producer_writes_alone_every_time() {
        CountingDatabase db = new CountingDatabase(QueueInternals.database(queue));
        db.gate.countDown();
        GroupCommit group = group(db);
        for (int i = 0; i < 3; i++) {
            group.insert(ECHO.name(), "{\"n\":" + i + "}", null, 0, 0, 1, null);
        }
        assertEquals(3, db.autocommits.get());
        assertEquals(0, db.transactions.get());
        assertEquals(0, group.queued());
    }

    @Test
    void a_failed_batch_fails_every_producer_in_it_and_writes_none_of_them() throws Exception {
        CountingDatabase db = new CountingDatabase(QueueInternals.database(queue));
        db.failTransactions = new DbmqException("disk on fire");
        GroupCommit group = group(db);
        CompletableFuture<Long> leader = insertBehindGate(db, group, 0);
        List<CompletableFuture<Long>> followers = queueFollowers(group, 3);

        db.gate.countDown();
        leader.get(10, TimeUnit.SECONDS); // written alone, before the batch
        int wrapped = 0;
        for (CompletableFuture<Long> f : followers) {
            Throwable e = failure(f);
            assertInstanceOf(DbmqException.class, e);
            assertEquals("disk on fire", e.getMessage());
            // the producer that wrote the batch gets the error itself; the others wrapped, so their stack shows too
            if (e != db.failTransactions) {
                assertSame(db.failTransactions, e.getCause());
                wrapped++;
            }
        }
        assertEquals(2, wrapped);
        assertEquals(1L, queue.pending());
        // the lead was given up: the next producer writes at once
        db.failTransactions = null;
        assertTrue(group.insert(ECHO.name(), "{\"n\":9}", null, 0, 0, 1, null) > 0);
        assertEquals(2L, queue.pending());
    }

    @Test
    void a_batch_failing_on_a_constraint_is_written_row_by_row_so_each_gets_its_own_outcome() throws Exception {
        CountingDatabase db = new CountingDatabase(QueueInternals.database(queue));
        db.failTransactions = new DataAccessException("constraint", new SQLException("CHECK failed", "23000", 19));
        GroupCommit group = group(db);
        CompletableFuture<Long> leader = insertBehindGate(db, group, 0);
        List<CompletableFuture<Long>> followers = queueFollowers(group, 3);

        db.gate.countDown();
        leader.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Long> f : followers) {
            assertTrue(f.get(10, TimeUnit.SECONDS) > 0);
        }
        assertEquals(1 + 3, db.autocommits.get());
        assertEquals(4L, queue.pending());
    }

    @Test
    void an_interrupted_producer_still_gets_its_outcome_and_keeps_its_interrupt() throws Exception {
        CountingDatabase db = new CountingDatabase(QueueInternals.database(queue));
        GroupCommit group = group(db);
        CompletableFuture<Long> leader = insertBehindGate(db, group, 0);
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<Long> follower = new CompletableFuture<>();
        producers.submit(() -> {
            Thread.currentThread().interrupt();
            try {
                follower.complete(group.insert(ECHO.name(), "{\"n\":1}", null, 0, 0, 1, null));
            } catch (Throwable e) {
                follower.completeExceptionally(e);
            }
            interruptedAfter.complete(Thread.interrupted());
        });
        awaitQueued(group, 1);
        db.gate.countDown();
        leader.get(10, TimeUnit.SECONDS);
        assertTrue(follower.get(10, TimeUnit.SECONDS) > 0);
        assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
    }

    // ---- helpers ----

    /** Starts a producer that becomes the leader and blocks inside its write until db.gate opens. */
    private CompletableFuture<Long> insertBehindGate(CountingDatabase db, GroupCommit group, int n)
            throws InterruptedException {
        CompletableFuture<Long> f = insertAsync(group, n);
        assertTrue(db.entered.await(10, TimeUnit.SECONDS), "the leader reached the database");
        return f;
    }

    /** Starts producers while the leader writes, and waits until all of them are queued behind it. */
    private List<CompletableFuture<Long>> queueFollowers(GroupCommit group, int count) throws InterruptedException {
        List<CompletableFuture<Long>> followers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            followers.add(insertAsync(group, i));
        }
        awaitQueued(group, count);
        return followers;
    }

    private CompletableFuture<Long> insertAsync(GroupCommit group, int n) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        producers.submit(() -> {
            try {
                f.complete(group.insert(ECHO.name(), "{\"n\":" + n + "}", null, 0, 0, 1, null));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Waits, up to 10 s, for a condition only other threads change (they take GroupCommit's lock to change it). */
    private static void awaitQueued(GroupCommit group, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (group.queued() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + group.queued() + " of " + count + " queued");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no outcome within 10 s", e);
        }
        throw new AssertionError("expected a failure");
    }

    /**
     * The queue's database, counting the transactions GroupCommit runs; its first use blocks until {@code gate} opens,
     * so a test can queue producers behind a write in progress; transactions can be made to fail.
     */
    /** A group commit through {@code db}: its lone rows through {@code db} too, so they are counted. */
    private GroupCommit group(Database db) {
        Storage storage = QueueInternals.backend(queue).storage();
        return new GroupCommit(db, storage,
                (name, args, metadata, createdAt, dueAt, priority) -> db.autocommit(dsl -> storage.insert(dsl, name,
                        args, metadata, createdAt, dueAt, priority)));
    }

    private static final class CountingDatabase implements Database {
        final Database real;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger autocommits = new AtomicInteger();
        final AtomicInteger transactions = new AtomicInteger();
        volatile RuntimeException failTransactions;

        CountingDatabase(Database real) {
            this.real = real;
        }

        private void pass() {
            entered.countDown();
            if (gate.getCount() == 0) {
                return; // open: no wait (and none that an interrupted producer's flag could cut short)
            }
            try {
                assertTrue(gate.await(10, TimeUnit.SECONDS), "gate not opened");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public DSLContext offline() {
            return real.offline();
        }

        @Override
        public DSLContext onCallerConnection(java.sql.Connection connection) {
            return real.onCallerConnection(connection);
        }

        @Override
        public <T> T autocommit(Function<DSLContext, T> work) {
            pass();
            autocommits.incrementAndGet();
            return real.autocommit(work);
        }

        @Override
        public <T> T transaction(Function<DSLContext, T> work) {
            pass();
            transactions.incrementAndGet();
            RuntimeException fail = failTransactions;
            if (fail != null) {
                return real.transaction(dsl -> {
                    work.apply(dsl); // the rows are written, then rolled back with the transaction
                    throw fail;
                });
            }
            return real.transaction(work);
        }

        @Override
        public <T> T transactionBy(long deadlineNanos, Function<DSLContext, T> work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String schemaVersion() {
            return real.schemaVersion();
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
