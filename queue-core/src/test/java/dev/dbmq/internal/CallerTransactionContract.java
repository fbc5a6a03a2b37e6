package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/**
 * The backend contract's area: an enqueue in the application's own transaction, there only if it commits, woken only
 * then, refused on another database.
 */
public interface CallerTransactionContract extends BackendUnderTest {

    @Test
    default void a_caller_transaction_that_commits_leaves_the_task_and_wakes_a_foreman() throws Exception {
        CountingTarget foreman = new CountingTarget();
        listening(closing(openSame()), foreman);
        CountDownLatch woken = new CountDownLatch(1);
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        int wakesBefore = foreman.wakes();
        Thread watcher = new Thread(() -> {
            try {
                foreman.awaitMoreThan(wakesBefore, "the wakeup source");
                woken.countDown();
            } catch (Throwable ignored) {
                // the latch's timeout reports it
            }
        }, "contract-wake-watcher");
        watcher.setDaemon(true);
        watcher.start();
        long id;
        try (CallerTx tx = openCallerTx()) {
            id = storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(1), null, 5, 5, 1, null, null, () -> {
                wakeAtCommitRuns.incrementAndGet();
                woken.countDown();
            });
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran before the commit");
            assertEquals(0, pending(backend()), "the task is visible before the caller commits");
            tx.commit();
        }
        await(woken, "after the caller's commit, wakeAtCommit to run or a foreman's wakeup source to fire");
        assertTrue(wakeAtCommitRuns.get() <= 1, "wakeAtCommit ran " + wakeAtCommitRuns.get() + " times");
        assertEquals(List.of(new TaskStore.Row(id, A, arg(1), 5, 5, 1, null, null, null, 1, null)), claim(backend(), 10, null));
    }

    @Test
    default void a_caller_transaction_that_rolls_back_leaves_no_task_and_wakes_nobody() throws Exception {
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        try (CallerTx tx = openCallerTx()) {
            tx.dsl().execute("CREATE TABLE app_note (n INTEGER)");
            tx.commit();
            storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(1), null, 5, 5, 1, null, null,
                    wakeAtCommitRuns::incrementAndGet);
            tx.rollback();
            assertEquals(0, pending(backend()));
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran for a rolled-back transaction");
            // the connection's next commit is not the enqueue's
            tx.dsl().execute("INSERT INTO app_note (n) VALUES (1)");
            tx.commit();
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran at a later commit of another transaction");
            tx.dsl().execute("DROP TABLE app_note");
            tx.commit();
        }
        assertEquals(0, pending(backend()));
    }

    @Test
    default void a_caller_context_in_autocommit_mode_commits_the_task_at_once() throws Exception {
        CountDownLatch woken = new CountDownLatch(1);
        CountingTarget foreman = new CountingTarget();
        listening(closing(openSame()), foreman);
        int wakesBefore = foreman.wakes();
        try (CallerTx tx = openCallerTx()) {
            tx.autocommit(true);
            storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(1), null, 5, 5, 1, null, null, woken::countDown);
        }
        assertEquals(1, pending(backend()));
        if (woken.getCount() > 0) {
            foreman.awaitMoreThan(wakesBefore, "an autocommitted caller insert to wake a foreman");
        }
    }

    @Test
    default void a_caller_context_on_another_database_is_refused_and_writes_nothing() throws Exception {
        closing(openOther());
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        Runnable wakeAtCommit = wakeAtCommitRuns::incrementAndGet;
        try (CallerTx other = openCallerTxOnOther()) {
            assertThrows(IllegalArgumentException.class,
                    () -> storage().insertInCallerTransaction(other.dsl(), "tx", A, arg(1), null, 5, 5, 1, null, null,
                            wakeAtCommit));
            other.commit(); // the application goes on with its transaction
            other.autocommit(true);
            IllegalArgumentException autocommit = assertThrows(IllegalArgumentException.class,
                    () -> storage().insertInCallerTransaction(other.dsl(), "tx", A, arg(2), null, 5, 5, 1, null, null,
                            wakeAtCommit));
            assertTrue(autocommit.getMessage() != null && autocommit.getMessage().startsWith("tx must be"),
                    "the refusal names the caller's argument: " + autocommit.getMessage());
            assertEquals(0, other.pending(), "tasks written to the other database");
        }
        assertEquals(0, pending(backend()));
        assertEquals(0, wakeAtCommitRuns.get());
    }

    @Test
    default void a_caller_context_of_another_dialect_is_refused_and_writes_nothing() throws Exception {
        try (CallerTx tx = openCallerTx()) {
            SQLDialect own = tx.dsl().dialect().family();
            for (SQLDialect dialect : List.of(SQLDialect.SQLITE, SQLDialect.POSTGRES, SQLDialect.MYSQL,
                    SQLDialect.H2)) {
                if (dialect == own) {
                    continue;
                }
                DSLContext wrong = tx.dsl().configuration().derive(dialect).dsl();
                assertThrows(IllegalArgumentException.class,
                        () -> storage().insertInCallerTransaction(wrong, "tx", A, arg(1), null, 5, 5, 1, null, null, () -> { }),
                        "a " + dialect + " context");
            }
            tx.commit();
            assertEquals(0, tx.pending());
        }
        assertEquals(0, pending(backend()));
    }

    @Test
    default void a_caller_transaction_enqueue_with_a_key_writes_one_row() throws Exception {
        long holder;
        try (CallerTx tx = openCallerTx()) {
            holder = storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(1), null, 5, 5, 1, "caller-key", null,
                    () -> { });
            assertEquals(holder, storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(2), null, 5, 5,1, 
                    "caller-key", null, () -> { }), "the same transaction sees its own holder");
            tx.commit();
        }
        assertEquals(holder, storage().database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(3), null, 6, 6, 1, "caller-key")).id());
        assertEquals(1, pending(backend()));
    }
}
