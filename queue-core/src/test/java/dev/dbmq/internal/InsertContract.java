package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backend contract's area: Inserts: ids, one and many, keys, cancel, retries and metadata. */
public interface InsertContract extends BackendUnderTest {

    @Test
    default void insert_returns_the_new_id_and_successive_ids_increase() {
        long first = insert(backend(), A, 1, 1_000);
        long second = insert(backend(), B, 2, 2_000);
        long third = storage().database().transaction(dsl -> storage().insert(dsl, A, arg(3), null, 3_000, 3_000, 1));
        assertTrue(first < second && second < third, "ids " + first + ", " + second + ", " + third);
        assertEquals(3, pending(backend()));
        QueueStats stats = storage().database().autocommit(dsl -> TaskStore.stats(dsl, 4_000));
        assertEquals(3, stats.pending());
        assertEquals(Map.of(A, 2L, B, 1L), stats.pendingByName());
        assertEquals(Duration.ofSeconds(3), stats.oldestTaskAge());
        assertEquals(List.of(first, second, third), ids(claim(backend(), 10, null)));
    }

    @Test
    default void insertAll_returns_one_ascending_id_per_arg_in_order_and_stores_each_arg() {
        long last = insert(backend(), A, -1, 0);
        claim(backend(), 1, null);
        // 150: past SQLite's prepared 100-row statement; 2500: past TaskStore.INSERT_CHUNK
        for (int size : new int[] {1, 99, 100, 101, 150, TaskStore.INSERT_CHUNK, TaskStore.INSERT_CHUNK + 1, 2500}) {
            List<String> args = args(size);
            long createdAt = 10_000 + size;
            List<Long> ids = storage().database().transaction(dsl -> storage().insertAll(dsl, B, args, null, createdAt,
                    createdAt, 1));
            assertEquals(size, ids.size(), "ids for " + size + " args");
            for (int i = 0; i < size; i++) {
                long previous = i == 0 ? last : ids.get(i - 1);
                assertTrue(ids.get(i) > previous, "size " + size + ": id " + ids.get(i) + " at " + i
                        + " after " + previous);
            }
            last = ids.get(size - 1);
            assertEquals(size, pending(backend()), "pending after inserting " + size);
            List<TaskStore.Row> rows = claim(backend(), size + 10, null);
            assertEquals(ids, ids(rows), "size " + size + ": claimed ids");
            for (int i = 0; i < size; i++) {
                TaskStore.Row row = rows.get(i);
                assertEquals(args.get(i), row.args(), "size " + size + ": args of the task at " + i);
                assertEquals(B, row.taskName());
                assertEquals(createdAt, row.createdAt());
            }
        }
        assertEquals(List.of(), storage().database().transaction(dsl -> storage().insertAll(dsl, B, List.of(), null, 0,
                0, 1)));
    }

    @Test
    default void a_key_admits_one_pending_task_and_is_free_once_it_is_claimed() {
        TaskStore.Keyed first = storage().database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(1), null, 1, 10, 1, "k"));
        TaskStore.Keyed second = storage().database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, B, arg(2), null, 2, 20, 1, "k"));
        assertTrue(first.written());
        assertEquals(new TaskStore.Keyed(first.id(), false), second, "the holder's id, nothing written");
        assertEquals(List.of(new TaskStore.Row(first.id(), A, arg(1), 1, 10, 1, "k", null, null, 1, null)),
                claimAt(backend(), 10, null, 100));
        TaskStore.Keyed third = storage().database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(3), null, 3, 30, 1, "k"));
        assertTrue(third.written() && third.id() > first.id(), "free again once claimed: " + third);
    }

    private boolean cancel(long id) {
        return storage().database().autocommit(dsl -> TaskStore.cancel(dsl, id));
    }

    @Test
    default void cancel_deletes_a_pending_task_once() {
        long id = insertDue(backend(), A, 1, 10);
        assertTrue(cancel(id));
        assertFalse(cancel(id));
        assertEquals(0, pending(backend()));
    }

    /**
     * The seam's prefix condition ({@link Storage#keyStartsWith}, what a foreman's look for schedules it does not
     * register reads) finds exactly the keys that start with the prefix: not one that differs in case or in the
     * punctuation after the letters, and LIKE's wildcards in a prefix are plain characters.
     */
    @Test
    default void keyStartsWith_finds_exactly_the_keys_that_start_with_the_prefix() {
        insertKeys(backend(), List.of("p:x", "p:", "p:_z", "p:%", "p;", "p;x", "pa", "P:X", "p", "o:x", "q:x",
                "a_b%1", "a_b%", "axb%1", "a_bx1"));
        assertEquals(List.of("p:", "p:%", "p:_z", "p:x"), keysStartingWith(backend(), "p:"));
        assertEquals(List.of("a_b%", "a_b%1"), keysStartingWith(backend(), "a_b%"));
    }

    /** Inserts one task per key, due at once. */
    static void insertKeys(Backend b, List<String> keys) {
        b.storage().database().transaction(dsl -> {
            for (String key : keys) {
                TaskStore.insertKeyed(dsl, A, "{}", null, 1, TaskStore.AT_ONCE, 1, key);
            }
            return null;
        });
    }

    /** The keys {@link Storage#keyStartsWith} finds, sorted here (the database's order depends on its collation). */
    static List<String> keysStartingWith(Backend b, String prefix) {
        return b.storage().database().autocommit(dsl -> dsl.select(DBMQ_TASK.UNIQUE_KEY).from(DBMQ_TASK)
                .where(b.storage().keyStartsWith(prefix)).fetch(DBMQ_TASK.UNIQUE_KEY)).stream().sorted().toList();
    }

    @Test
    default void a_retry_keeps_the_id_and_enqueue_time_and_drops_the_key() {
        long id = storage().database().transaction(dsl -> TaskStore.insertKeyed(dsl, A, arg(1), null, 7, 8, 1, "r")).id();
        TaskStore.Row claimed = claimAt(backend(), 1, List.of(A), 100).get(0);
        storage().database().transaction(dsl -> {
            TaskStore.insertRetry(dsl, claimed, 500);
            return null;
        });
        assertEquals(List.of(new TaskStore.Row(id, A, arg(1), 7, 500, 2, null, null, null, 1, null)),
                claimAt(backend(), 1, List.of(A), 500));
    }

    /** A failed attempt's outcome write is retried after a failure, which may have come after its commit. */
    @Test
    default void a_retry_written_twice_is_one_task() {
        long id = insertDue(backend(), A, 1, 10);
        TaskStore.Row claimed = claimAt(backend(), 1, List.of(A), 100).get(0);
        for (int i = 0; i < 2; i++) {
            storage().database().transaction(dsl -> {
                TaskStore.insertRetry(dsl, claimed, 500);
                return null;
            });
        }
        assertEquals(1, pending(backend()));
        assertEquals(id, claimAt(backend(), 5, List.of(A), 500).get(0).id());
    }

    /**
     * Metadata (V4) is stored by every way a task is written, returned by the claim, and kept by what re-writes a
     * claimed row: a retry, a put-back, the failed table and its requeue. Written through the SQLite fast paths
     * (prepared single and 100-row statements) and the portable ones alike.
     */

    @Test
    default void metadata_is_stored_by_every_insert_and_kept_by_retries_put_backs_failures_and_requeues()
            throws Exception {
        String meta = "{\"traceparent\":\"00-abc-def-01\"}"; // as the metadata column holds it
        long single = storage().database().autocommit(dsl -> storage().insert(dsl, A, arg(1), meta, 1, 1, 1));
        long viaEnqueue = storage().enqueue(A, arg(2), meta, 2, 2, 1, null);
        long keyed = storage().database()
                .transaction(dsl -> TaskStore.insertKeyed(dsl, A, arg(3), meta, 3, 3, 1, "m")).id();
        List<Long> many = storage().database().transaction(dsl -> storage().insertAll(dsl, A, args(101), meta, 4, 4, 1));
        long inCaller;
        try (CallerTx tx = openCallerTx()) {
            inCaller = storage().insertInCallerTransaction(tx.dsl(), "tx", A, arg(5), meta, 5, 5, 1, null, null, () -> { });
            tx.commit();
        }
        long without = storage().enqueue(A, arg(6), null, 6, 6, 1, null);
        List<TaskStore.Row> claimed = claim(backend(), 200, List.of(A));
        assertEquals(106, claimed.size());
        java.util.Map<Long, String> byId = new java.util.HashMap<>();
        claimed.forEach(r -> byId.put(r.id(), r.metadata()));
        for (long id : List.of(single, viaEnqueue, keyed, inCaller, many.get(0), many.get(100))) {
            assertEquals(meta, byId.get(id), "task " + id);
        }
        assertTrue(byId.containsKey(without) && byId.get(without) == null, "no metadata: NULL");

        TaskStore.Row row = claimed.get(0);
        storage().database().transaction(dsl -> {
            TaskStore.insertRetry(dsl, row, 10);
            return null;
        });
        TaskStore.Row retried = claim(backend(), 1, List.of(A)).get(0);
        assertEquals(meta, retried.metadata(), "a retry keeps it");
        storage().database().transaction(dsl -> {
            TaskStore.putBack(dsl, List.of(retried));
            return null;
        });
        TaskStore.Row putBack = claim(backend(), 1, List.of(A)).get(0);
        assertEquals(meta, putBack.metadata(), "a put-back keeps it");
        storage().database().transaction(dsl -> {
            TaskStore.keepFailed(dsl, putBack, 20, "boom");
            return null;
        });
        long requeued = storage().database().transaction(dsl -> TaskStore.requeue(dsl, putBack.id(), 30))
                .getAsLong();
        assertEquals(List.of(new TaskStore.Row(requeued, A, putBack.args(), 30, 0, 1, null, null, meta, 1, null)), // due at once
                claim(backend(), 10, List.of(A)), "a requeued failed task carries it again");
    }
}
